"""Search across editions, speeches, resolutions and topics.

On PostgreSQL, words are matched with full-text search (`simple` configuration, so no
language's stemming favours one of our three) and ranked; because PostgreSQL does not
split Japanese or Chinese text into words, a substring match is added for every word too.
On SQLite, the substring match alone finds the same rows, unranked. Every language's
column is searched, whatever the page's language: `鎌倉` finds Kamakura on the English site.

The same word is written differently across our scripts: Japanese shinjitai (台湾, 頼清徳,
会), Traditional Chinese (台灣, 賴清德, 會) and its standard variants (臺). Each query word is
expanded into its forms in each script with OpenCC (`jp2t` and `t2jp`), and a row matches
when any form appears; folding the query, not the stored text, needs no extra column to
keep in step and works alike on SQLite and PostgreSQL.

There is no GIN index: the substring half of the match (which CJK text needs) and the
join to speakers' names keep PostgreSQL from using one, and at the series' scale a scan is
cheap (benchmarks/public_pages.py: about 40 ms uncached for 1,000 rows of each kind, and
pages are cached).

`search_hits` returns light (kind, pk) pairs in display order so that a page of them can
be cut first and only that page's rows fetched (`search_results`): a fixed number of
queries however many rows match.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache, reduce
from operator import and_, or_

from django.conf import settings
from django.db import connection
from django.db.models import F, FloatField, Q, Value
from modeltranslation.utils import build_localized_fieldname

from delegates.models import Person

from .models import Edition, Resolution, Speech, Topic
from .scripts import to_japanese, to_standard_traditional, to_traditional

# At most this many hits per kind are ranked and paginated; nobody reads further.
HIT_LIMIT = 500


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    fields: tuple
    newest_first: tuple
    related: tuple = ()


KINDS = [
    Kind("edition", Edition, ("host_city", "region", "venue", "theme", "summary"), ("-ordinal",)),
    Kind("topic", Topic, ("name", "description"), ("name_en",)),
    Kind(
        "resolution",
        Resolution,
        ("title", "text"),
        ("-edition__ordinal", "number"),
        ("edition",),
    ),
    Kind(
        "speech",
        Speech,
        ("title", "summary", "transcript", "speaker_role"),
        ("-edition__ordinal", "order", "pk"),
        ("edition", "speaker"),
    ),
]


def _columns(fields):
    return [
        build_localized_fieldname(field, language)
        for field in fields
        for language in settings.MODELTRANSLATION_LANGUAGES
    ]


def _words(query):
    return [word for word in query.split() if word][:10]


@cache
def script_variants(word):
    """The word as Japanese and as Traditional Chinese write it (台湾, 臺灣, 台灣), full-width
    letters and digits folded (ＮＡＧＯＹＡ is Nagoya); the word itself first."""
    word = unicodedata.normalize("NFKC", word)
    forms = [word, to_standard_traditional(word), to_traditional(word), to_japanese(word)]
    return tuple(dict.fromkeys(forms))


def _substring_match(columns, words):
    """Every word appears, in one of its scripts' forms, in at least one column."""
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{column}__icontains": form}) for column in columns for form in script_variants(word)))
            for word in words
        ),
    )


def _public_speaker_match(words):
    # Speeches are found by their speaker's name only when the speaker is public.
    public = Q(speaker__in=Person.objects.public())
    name_columns = ["speaker__family_name", "speaker__given_name", "speaker__native_name"]
    return public & _substring_match(name_columns, words)


def _matching(kind, query):
    words = _words(query)
    columns = _columns(kind.fields)
    match = _substring_match(columns, words)
    if kind.model is Speech:
        match |= _public_speaker_match(words)
    rows = kind.model.objects.all()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*columns, config="simple")
        search_query = SearchQuery(query, search_type="websearch", config="simple")
        rows = rows.annotate(document=vector, rank=SearchRank(vector, search_query))
        rows = rows.filter(Q(document=search_query) | match)
        return rows.order_by(F("rank").desc(), *kind.newest_first)
    return rows.filter(match).annotate(rank=Value(0.0, output_field=FloatField())).order_by(*kind.newest_first)


def search_hits(query, kind=""):
    """(kind name, pk) pairs matching the query, best first; editions, then topics, resolutions, speeches."""
    if not _words(query):
        return []
    hits = []
    for searched in KINDS:
        if kind and searched.name != kind:
            continue
        pks = _matching(searched, query).values_list("pk", flat=True)[:HIT_LIMIT]
        hits.extend((searched.name, pk) for pk in pks)
    return hits


def search_results(hits):
    """The rows behind a page of hits, in the hits' order, each tagged with its `kind`."""
    rows = {}
    for searched in KINDS:
        pks = [pk for name, pk in hits if name == searched.name]
        if pks:
            manager = searched.model.objects.select_related(*searched.related)
            for pk, row in manager.in_bulk(pks).items():
                row.kind = searched.name
                rows[(searched.name, pk)] = row
    return [rows[hit] for hit in hits if hit in rows]
