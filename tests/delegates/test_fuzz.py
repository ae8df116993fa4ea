"""Whatever arrives in the registration and lookup posts, the answer is a page, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delegates.models import Question
from tests.factories import make_open_edition, make_question, registration_form_data

pytestmark = pytest.mark.django_db

FIELDS = list(registration_form_data()) + ["family_name_first", "listed_publicly", "q1", "q999999"]
# Text that tends to break things: control characters, surrogates-free unicode, very long values.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=1200),
    st.sampled_from(["", " ", "\x00", "+", "+81", "@", "a@b", "<script>", "'; DROP TABLE", "𠮷野家", "null"]),
)
form_posts = st.dictionaries(st.sampled_from(FIELDS), st.one_of(nasty_text, st.lists(nasty_text, max_size=3)))


@pytest.fixture
def edition(settings):
    # The fuzzing posts many times from one address; the limit has its own tests.
    settings.RATE_LIMITS = {"register": (10**6, 600), "lookup": (10**6, 600), "check_in": (10**6, 60)}
    edition = make_open_edition(capacity=3)
    make_question(edition, kind=Question.Kind.CHOICE, choices_en="A\nB", required=True)
    make_question(edition, kind=Question.Kind.YES_NO)
    return edition


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=form_posts, valid_base=st.booleans())
def test_registration_form_never_fails(client, edition, data, valid_base):
    posted = {**registration_form_data(), **data} if valid_base else data
    response = client.post(f"/ja/editions/{edition.slug}/register/", posted)
    assert response.status_code in (200, 302)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=nasty_text)
def test_lookup_never_fails(client, edition, email):
    response = client.post(f"/en/editions/{edition.slug}/register/find/", {"email": email})
    assert response.status_code == 200


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(min_size=1, max_size=300).filter(lambda token: "/" not in token and token.strip()))
def test_any_token_gives_a_clear_page(client, edition, token):
    from urllib.parse import quote

    response = client.get(f"/en/registration/{quote(token, safe='')}/")
    assert response.status_code in (400, 404)


@pytest.fixture
def invitation(edition):
    from delegates.models import Delegation
    from events.models import Edition
    from tests.factories import make_invitation

    Edition.objects.filter(pk=edition.pk).update(registration_mode=Edition.RegistrationMode.INVITATION_ONLY)
    edition.refresh_from_db()
    delegation = Delegation.objects.create(edition=edition, name_en="Taipei City Council", side="taiwan", quota=2)
    return make_invitation(edition, delegation=delegation)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=form_posts, valid_base=st.booleans(), action=st.sampled_from(["register", "decline"]))
def test_invitation_posts_never_fail(client, settings, invitation, data, valid_base, action):
    from delegates import tokens

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (10**6, 600)}
    posted = {**registration_form_data(), **data} if valid_base else data
    url = f"/zh-hant/invitation/{tokens.invitation_token(invitation)}/"
    response = client.post(url + ("decline/" if action == "decline" else ""), posted)
    assert response.status_code in (200, 302)


table_cells = st.one_of(nasty_text, st.sampled_from(["\t", "\n", '"', '""', "\r", ",", ";", "\x00\t\n"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(["email", "family_name", "comes_as", "language", "honorific", "x"]), max_size=5),
    cells=st.lists(st.lists(table_cells, max_size=6), max_size=6),
    member=st.one_of(nasty_text, st.integers().map(str)),
    action=st.sampled_from(["preview_table", "import_table", "change", "cancel", "resend", "add", "nonsense"]),
)
def test_focal_point_posts_never_fail(client, settings, invitation, header, cells, member, action):
    from delegates import tokens

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "focal_point": (10**6, 600)}
    table = "\n".join("\t".join(row) for row in [header, *cells])
    url = f"/ja/delegation/{tokens.delegation_token(invitation.delegation)}/"
    posted = {"action": action, "table": table, "member": member, "participation": member, "token": member}
    posted["confirmed"] = "yes" if len(cells) % 2 else member
    response = client.post(url, posted)
    assert response.status_code in (200, 302)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=st.text(min_size=1, max_size=300).filter(lambda token: "/" not in token and token.strip()))
def test_any_invitation_token_gives_a_clear_page(client, edition, token):
    from urllib.parse import quote

    for suffix in ("", "decline/"):
        response = client.get(f"/en/invitation/{quote(token, safe='')}/{suffix}")
        assert response.status_code in (400, 404)
