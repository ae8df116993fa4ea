"""Translation fingerprints of normalized text (line breaks as LF, ends stripped).

0004 fingerprinted the raw text, so a translation re-saved from the admin with a browser's
CRLF line breaks passed for a fresh translation and an English text saved so would read as
changed. Each recorded fingerprint that matches the text as it is now is recomputed; one
that does not (a translation already stale) stays as it is and stays stale.
"""

import hashlib

from django.db import migrations

# The translated fields as they are at this migration (events/translation.py).
FIELDS = {
    "series": ("name", "description"),
    "edition": ("host_city", "region", "venue", "theme", "summary"),
    "session": ("title", "description", "room"),
    "topic": ("name", "description"),
    "speech": ("title", "summary", "transcript", "speaker_role"),
    "resolution": ("title", "text"),
    "followup": ("report",),
}
SUFFIXES = {"ja": "ja", "zh-hant": "zh_hant"}


def _raw(text):
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _normalized(text):
    return _raw(text.replace("\r\n", "\n").replace("\r", "\n").strip())


def _refingerprint(apps, old, new):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("events", model_name)
        for obj in model.objects.exclude(translation_sources={}).only(
            "pk", "translation_sources", *(f"{field}_{suffix}" for field in fields for suffix in ("en", "ja", "zh_hant"))
        ):
            sources = dict(obj.translation_sources or {})
            for key, record in sources.items():
                field, _sep, language = key.partition(":")
                if field not in fields or language not in SUFFIXES:
                    continue
                english = getattr(obj, f"{field}_en") or ""
                translated = getattr(obj, f"{field}_{SUFFIXES[language]}") or ""
                sources[key] = {
                    "source": new(english) if record.get("source") == old(english) else record.get("source", ""),
                    "text": new(translated) if record.get("text") == old(translated) else record.get("text", ""),
                }
            if sources != obj.translation_sources:
                model.objects.filter(pk=obj.pk).update(translation_sources=sources)


def fingerprints_of_normalized_text(apps, schema_editor):
    _refingerprint(apps, _raw, _normalized)


def fingerprints_of_raw_text(apps, schema_editor):
    _refingerprint(apps, _normalized, _raw)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_edition_quotas"),
    ]

    operations = [
        migrations.RunPython(fingerprints_of_normalized_text, fingerprints_of_raw_text),
    ]
