"""A reader's path through the public site in real headless Chromium, at phone and desktop width.

Screenshots land in test-artifacts/screenshots/ for a person to look at.
"""

import re

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def live_demo(transactional_db):
    """The demo content in a database the live server's thread can see."""
    from events.demo import load_demo

    load_demo()


def _fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Every element with its own text, checked against WCAG 2 AA: 4.5:1, or 3:1 for large text.
LOW_CONTRAST_TEXTS = """() => {
  const parse = (color) => color.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (value) => {
      value /= 255;
      return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color.length < 4 || color[3] > 0) return color;
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const element of document.body.querySelectorAll("*")) {
    const ownText = [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent.trim());
    const style = getComputedStyle(element);
    if (!ownText || style.visibility === "hidden" || element.closest(".visually-hidden, .skip-link")) continue;
    const [l1, l2] = [luminance(parse(style.color)), luminance(background(element))].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${element.tagName}.${element.className}: ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def _low_contrast_texts(page):
    return page.evaluate(LOW_CONTRAST_TEXTS)


def test_reader_switches_to_japanese_and_follows_kamakura_to_a_resolutions_follow_up(page, screenshot, live_demo):
    page.goto("/en/")
    assert page.locator("h1").inner_text() == "Japan–Taiwan Exchange Summit"
    assert page.locator("#next-edition-title").inner_text() == "12th · Nagoya 2026"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    screenshot("1-home")

    page.locator(".language-switcher").get_by_role("link", name="日本語").click()
    page.wait_for_url(re.compile(r"/ja/$"))
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "日台交流サミット"
    assert _fits_the_screen(page)
    assert _low_contrast_texts(page) == []
    screenshot("2-home-japanese")

    page.get_by_role("link", name="第11回 · 鎌倉 2025").click()
    page.wait_for_url(re.compile(r"/ja/editions/kamakura-2025/$"))
    assert page.locator("h1").inner_text() == "第11回 · 鎌倉 2025"
    assert _fits_the_screen(page)
    assert _low_contrast_texts(page) == []
    screenshot("3-kamakura")

    page.get_by_role("link", name="頼清徳総統のビデオメッセージ").click()
    page.wait_for_url(re.compile(r"/ja/editions/kamakura-2025/speeches/william-lai-video-message/$"))
    assert page.locator(".badge-video_message").inner_text() == "録画のビデオメッセージ"
    assert page.get_by_role("link", name="頼清徳（William Lai）").is_visible()
    assert _fits_the_screen(page)
    screenshot("4-lai-speech")

    page.locator(".breadcrumbs").get_by_role("link", name="第11回 · 鎌倉 2025").click()
    page.get_by_role("link", name=re.compile("^第1号：インド太平洋")).click()
    page.wait_for_url(re.compile(r"/ja/editions/kamakura-2025/resolutions/1/$"))
    follow_up = page.locator("#follow-up")
    assert follow_up.locator("h2").inner_text() == "その後の開催回での経過"
    assert follow_up.locator("li p").inner_text() == "この回で進捗が報告される予定です。まだ報告はありません。"
    assert _fits_the_screen(page)
    assert _low_contrast_texts(page) == []
    screenshot("5-resolution")

    follow_up.get_by_role("link", name="第12回 · 名古屋 2026").click()
    page.wait_for_url(re.compile(r"/ja/editions/nagoya-2026/$"))
    assert page.locator("#resolutions h3").inner_text() == "この回で報告された経過"
    screenshot("6-nagoya-follow-up")


def test_search_and_resolution_filters_work_from_the_keyboard(page, screenshot, live_demo):
    page.goto("/zh-hant/resolutions/")
    page.get_by_label("狀態").select_option("adopted")
    page.get_by_role("button", name="篩選").press("Enter")
    page.wait_for_url(re.compile(r"status=adopted"))
    assert page.locator(".result-count").inner_text() == "2 項決議"
    assert _low_contrast_texts(page) == []
    screenshot("1-resolutions-filtered")

    page.locator("#site-search-q").fill("鎌倉")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/zh-hant/search/\?q="))
    assert page.locator(".search-results a").first.inner_text() == "第11屆 · 鎌倉 2025"
    assert _fits_the_screen(page)
    screenshot("2-search")


def test_missing_page_is_a_404_in_the_sites_style(page, screenshot, live_demo):
    response = page.goto("/ja/editions/atlantis-2030/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "お探しのページが見つかりませんでした"
    assert _fits_the_screen(page)
    assert _low_contrast_texts(page) == []
    screenshot("1-not-found")
