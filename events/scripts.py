"""Japanese and Traditional Chinese write the same characters in different forms (頼清徳 and
賴清德, 台湾 and 台灣). OpenCC's tables convert between them: search folds a query into each
form, and a name in native script is shown in the reader's form."""

from functools import cache

from opencc import OpenCC

# Variants OpenCC's standard forms leave apart: Taiwan writes 台 where the standard has 臺.
TAIWAN_FORMS = str.maketrans({"臺": "台"})


@cache
def _converter(config):
    return OpenCC(config)


def to_standard_traditional(text: str) -> str:
    """OpenCC's standard form: 台湾 → 臺灣."""
    return _converter("jp2t.json").convert(text)


def to_traditional(text: str) -> str:
    """As Taiwan writes it: 頼清徳 → 賴清德, 台湾 → 台灣."""
    return to_standard_traditional(text).translate(TAIWAN_FORMS)


def to_japanese(text: str) -> str:
    """As Japan writes it (shinjitai): 賴清德 → 頼清徳, 台灣 → 台湾."""
    return _converter("t2jp.json").convert(text)


def in_reader_script(text: str, language: str) -> str:
    if language == "ja":
        return to_japanese(text)
    if language == "zh-hant":
        return to_traditional(text)
    return text
