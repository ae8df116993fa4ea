"""Demo content: the Japan–Taiwan Exchange Summit as a published report of its
11th edition (Kamakura) describes it, in English, Japanese and Traditional Chinese.

Only what the report states is recorded. Exact dates, venues, sessions, sponsors and
anything else it does not give are left empty, and the site shows them as
"to be announced" or "not reported". Summaries are written in our own words.
"""

from django.db import transaction

from delegates.models import Category, Person, Side

from .models import Edition, FollowUp, Resolution, Series, Speech, Topic

SERIES = {
    "slug": "japan-taiwan-exchange-summit",
    "founded_year": 2015,
    "name_en": "Japan–Taiwan Exchange Summit",
    "name_ja": "日台交流サミット",
    "name_zh_hant": "台日交流高峰會",
    "description_en": (
        "A yearly meeting of national lawmakers, local councilors and civic groups from Japan and Taiwan, "
        "held in a different host city each time since 2015."
    ),
    "description_ja": "2015年から毎年、開催地を変えて開かれている、日本と台湾の国会議員・地方議員・市民団体による交流の場です。",
    "description_zh_hant": "自2015年起每年在不同城市舉行，匯集日本與台灣的國會議員、地方議員及公民團體的交流會議。",
}

TOPICS = [
    ("taiwan-strait-peace", "Peace and stability in the Taiwan Strait", "台湾海峡の平和と安定", "台灣海峽的和平與穩定"),
    ("democratic-supply-chain", "Democratic supply chain", "民主主義のサプライチェーン", "民主供應鏈"),
    ("artificial-intelligence", "Artificial intelligence", "人工知能", "人工智慧"),
    ("renewable-energy", "Renewable energy", "再生可能エネルギー", "再生能源"),
    ("drone-manufacturing", "Drone manufacturing", "ドローン製造", "無人機製造"),
    ("robotics", "Robotics", "ロボット工学", "機器人"),
    ("satellite-technology", "Satellite technology", "衛星技術", "衛星技術"),
    ("quantum-research", "Quantum research", "量子研究", "量子研究"),
    ("cptpp-accession", "Taiwan's accession to the CPTPP", "台湾のCPTPP加入", "台灣加入CPTPP"),
    ("un-resolution-2758", "UN Resolution 2758", "国連総会決議2758号", "聯合國大會第2758號決議"),
]

PEOPLE = [
    {
        "slug": "william-lai",
        "family_name": "Lai",
        "given_name": "William",
        "native_name": "賴清德",
        "side": Side.TAIWAN,
        "category": Category.GOVERNMENT_OFFICIAL,
        "is_public_figure": True,
        "position_en": "President of Taiwan",
        "position_ja": "台湾総統",
        "position_zh_hant": "台灣總統",
    },
    {
        "slug": "sanae-takaichi",
        "family_name": "Takaichi",
        "given_name": "Sanae",
        "native_name": "高市早苗",
        "side": Side.JAPAN,
        "category": Category.GOVERNMENT_OFFICIAL,
        "is_public_figure": True,
        "position_en": "Prime Minister of Japan",
        "position_ja": "内閣総理大臣",
        "position_zh_hant": "日本首相",
    },
    {
        "slug": "lee-yi-yang",
        "family_name": "Lee",
        "given_name": "Yi-yang",
        "family_name_first": True,
        "native_name": "李逸洋",
        "side": Side.TAIWAN,
        "category": Category.GOVERNMENT_OFFICIAL,
        "is_public_figure": True,
        "position_en": "Taiwan's representative to Japan",
        "position_ja": "台湾の駐日代表",
        "position_zh_hant": "駐日代表",
    },
]

EDITIONS = [
    {
        "slug": "tainan-2024",
        "ordinal": 10,
        "year": 2024,
        "country": Edition.Country.TAIWAN,
        "status": Edition.Status.HELD,
        "host_city_en": "Tainan",
        "host_city_ja": "台南",
        "host_city_zh_hant": "台南",
        "summary_en": "Tainan hosted the summit the year before it moved to Kamakura.",
        "summary_ja": "鎌倉に移る前年、サミットは台南で開かれました。",
        "summary_zh_hant": "高峰會移師鎌倉的前一年，在台南舉行。",
    },
    {
        "slug": "kamakura-2025",
        "ordinal": 11,
        "year": 2025,
        "country": Edition.Country.JAPAN,
        "status": Edition.Status.HELD,
        "reported_attendance": 300,
        "attendance_is_minimum": True,
        "host_city_en": "Kamakura",
        "host_city_ja": "鎌倉",
        "host_city_zh_hant": "鎌倉",
        "region_en": "Kanto",
        "region_ja": "関東地方",
        "region_zh_hant": "關東地區",
        "theme_en": "Peace and stability in the Taiwan Strait, and a democratic supply chain",
        "theme_ja": "台湾海峡の平和と安定、そして民主主義のサプライチェーン",
        "theme_zh_hant": "台灣海峽的和平穩定與民主供應鏈",
        "summary_en": (
            "The 11th summit was the first held in Japan's Kanto region. Peace and stability in the Taiwan "
            "Strait stayed at the centre of the discussion, and more than 300 participants, among them "
            "lawmakers, local councilors and civic groups, talked about widening bilateral and regional "
            "cooperation. Leaders and lawmakers from both sides agreed that a democratic supply chain is "
            "vital to peace and prosperity in the Indo-Pacific, and named artificial intelligence, renewable "
            "energy, drone manufacturing, robotics, satellite technology and quantum research as fields for "
            "joint work. Earlier that year President Lai and Prime Minister Takaichi had met in Taipei and "
            "agreed that such a supply chain would make both economies more resilient and protect shared "
            "democratic values. The summit closed with a plan to meet again in Nagoya the following year."
        ),
        "summary_ja": (
            "第11回サミットは、関東地方で初めて開かれました。議論の中心は引き続き台湾海峡の平和と安定で、"
            "国会議員、地方議員、市民団体など300人以上が、二国間と地域の協力の拡大について話し合いました。"
            "双方の指導者と議員は、民主主義のサプライチェーンがインド太平洋の平和と繁栄に欠かせないことで一致し、"
            "人工知能、再生可能エネルギー、ドローン製造、ロボット工学、衛星技術、量子研究を協力分野に挙げました。"
            "同じ年、頼総統と高市首相は台北で会談し、こうしたサプライチェーンが経済の強靱性を高め、"
            "共有する民主的価値を守ることで合意していました。サミットは翌年名古屋で再会する予定を確認して閉幕しました。"
        ),
        "summary_zh_hant": (
            "第11屆高峰會首度在日本關東地區舉行。台灣海峽的和平與穩定仍是討論焦點，"
            "包括國會議員、地方議員及公民團體在內的300多名與會者，就擴大雙邊與區域合作交換意見。"
            "雙方領袖與議員一致認為，民主供應鏈對印太地區的和平與繁榮至關重要，"
            "並將人工智慧、再生能源、無人機製造、機器人、衛星技術與量子研究列為合作領域。"
            "同年稍早，賴總統與高市首相曾在台北會面，同意這樣的供應鏈能強化經濟韌性並守護共同的民主價值。"
            "高峰會最後確認翌年在名古屋再度相聚。"
        ),
    },
    {
        "slug": "nagoya-2026",
        "ordinal": 12,
        "year": 2026,
        "country": Edition.Country.JAPAN,
        "status": Edition.Status.REGISTRATION_OPEN,
        "host_city_en": "Nagoya",
        "host_city_ja": "名古屋",
        "host_city_zh_hant": "名古屋",
        "summary_en": "The summit meets next in Nagoya in 2026, at the time of the Asian Games.",
        "summary_ja": "次回のサミットは2026年、アジア競技大会の時期に名古屋で開かれます。",
        "summary_zh_hant": "下一屆高峰會將於2026年亞洲運動會期間在名古屋舉行。",
    },
]

SPEECHES = [
    {
        "edition": "kamakura-2025",
        "slug": "william-lai-video-message",
        "speaker": "william-lai",
        "order": 1,
        "delivery_mode": Speech.DeliveryMode.VIDEO_MESSAGE,
        "topics": ["democratic-supply-chain"],
        "title_en": "Video message from President William Lai",
        "title_ja": "頼清徳総統のビデオメッセージ",
        "title_zh_hant": "賴清德總統錄影致詞",
        "summary_en": (
            "Speaking in a prerecorded message, President Lai said that moving the host city from Tainan "
            "to Kamakura linked two ancient cities with close cultural ties, and that this link stands for "
            "a deeper friendship and closer cooperation between Taiwan and Japan. He congratulated Prime "
            "Minister Sanae Takaichi on her recent appointment."
        ),
        "summary_ja": (
            "頼総統は事前に録画したメッセージで、開催地が台南から鎌倉に移ったことは文化的なつながりの深い"
            "二つの古都を結ぶものであり、台湾と日本のより深い友情と緊密な協力を象徴していると述べました。"
            "また、高市早苗首相の就任に祝意を表しました。"
        ),
        "summary_zh_hant": (
            "賴總統透過預錄影片表示，主辦城市從台南移到鎌倉，串起了兩座文化淵源深厚的古都，"
            "象徵台灣與日本更深厚的友誼與更緊密的合作。他也恭賀高市早苗首相新近就任。"
        ),
    },
    {
        "edition": "kamakura-2025",
        "slug": "lee-yi-yang-remarks",
        "speaker": "lee-yi-yang",
        "order": 2,
        "delivery_mode": Speech.DeliveryMode.NOT_REPORTED,
        "topics": ["taiwan-strait-peace", "democratic-supply-chain"],
        "title_en": "Remarks by Lee Yi-yang, Taiwan's representative to Japan",
        "title_ja": "李逸洋駐日代表の発言",
        "title_zh_hant": "駐日代表李逸洋致詞",
        "summary_en": (
            "Lee Yi-yang reinforced the summit's message. He quoted Prime Minister Takaichi as saying that "
            "peace in the Taiwan Strait is essential to the security of the whole region, and noted her "
            "strong opposition to any coercive action that could change the current situation. He added "
            "that she had said the same in her recent meeting with U.S. President Donald Trump, and that he "
            "believes her leadership can further strengthen regional peace and advance the democratic "
            "supply chain."
        ),
        "summary_ja": (
            "李逸洋代表はサミットのメッセージを後押ししました。台湾海峡の平和は地域全体の安全に不可欠だとする"
            "高市首相の言葉を引用し、現状を変えかねない威圧的な行動に首相が強く反対していることに触れました。"
            "さらに、首相が最近のトランプ米大統領との会談でも同じ考えを示したと述べ、その指導力が地域の平和を"
            "一層強め、民主主義のサプライチェーンを前進させると考えていると語りました。"
        ),
        "summary_zh_hant": (
            "李逸洋代表呼應高峰會的訊息。他引述高市首相的話，指出台灣海峽的和平對整個區域的安全不可或缺，"
            "並提到首相強烈反對任何可能改變現狀的脅迫行為。他補充說，首相在最近與美國總統川普會面時也表達了"
            "相同立場，並相信她的領導能進一步強化區域和平、推動民主供應鏈。"
        ),
    },
]

RESOLUTIONS = [
    {
        "edition": "kamakura-2025",
        "number": 1,
        "kind": Resolution.Kind.JOINT_STATEMENT,
        "status": Resolution.Status.ADOPTED,
        "topics": [
            "democratic-supply-chain",
            "artificial-intelligence",
            "renewable-energy",
            "drone-manufacturing",
            "robotics",
            "satellite-technology",
            "quantum-research",
        ],
        "title_en": "A democratic supply chain for peace and prosperity in the Indo-Pacific",
        "title_ja": "インド太平洋の平和と繁栄のための民主主義のサプライチェーン",
        "title_zh_hant": "以民主供應鏈促進印太地區的和平與繁榮",
        "text_en": (
            "Leaders and lawmakers from Japan and Taiwan agree that building a democratic supply chain is "
            "crucial for peace and prosperity in the Indo-Pacific region, and that continued cooperation on "
            "it will bring innovation, stability and prosperity to the region.\n\n"
            "They name artificial intelligence, renewable energy, drone manufacturing, robotics and satellite "
            "technology as industries for joint work, and stress working together on quantum research to "
            "improve economic and national security."
        ),
        "text_ja": (
            "日本と台湾の指導者と議員は、民主主義のサプライチェーンの構築がインド太平洋地域の平和と繁栄に"
            "不可欠であり、その協力を続けることが地域に革新と安定と繁栄をもたらすことで一致する。\n\n"
            "人工知能、再生可能エネルギー、ドローン製造、ロボット工学、衛星技術を共同で取り組む産業に挙げ、"
            "経済と国家の安全を高めるため量子研究での協力を重視する。"
        ),
        "text_zh_hant": (
            "日本與台灣的領袖及議員一致認為，建立民主供應鏈對印太地區的和平與繁榮至關重要，"
            "持續在此合作將為區域帶來創新、穩定與繁榮。\n\n"
            "雙方將人工智慧、再生能源、無人機製造、機器人及衛星技術列為共同合作的產業，"
            "並強調在量子研究上攜手合作，以提升經濟與國家安全。"
        ),
    },
    {
        "edition": "kamakura-2025",
        "number": 2,
        "kind": Resolution.Kind.RESOLUTION,
        "status": Resolution.Status.ADOPTED,
        "topics": ["cptpp-accession"],
        "title_en": "Japan's support for Taiwan's entry into the CPTPP",
        "title_ja": "台湾のCPTPP加入に対する日本の支持",
        "title_zh_hant": "日本支持台灣加入CPTPP",
        "text_en": (
            "The summit calls on Japan to support Taiwan's entry into the Comprehensive and Progressive "
            "Agreement for Trans-Pacific Partnership."
        ),
        "text_ja": "サミットは、台湾の「環太平洋パートナーシップに関する包括的及び先進的な協定」（CPTPP）への加入を支持するよう日本に求める。",
        "text_zh_hant": "高峰會呼籲日本支持台灣加入《跨太平洋夥伴全面進步協定》（CPTPP）。",
    },
    {
        "edition": "kamakura-2025",
        "number": 3,
        "kind": Resolution.Kind.RESOLUTION,
        "status": Resolution.Status.PROPOSED,
        "topics": ["un-resolution-2758"],
        "title_en": "UN Resolution 2758 and Taiwan's international participation",
        "title_ja": "国連総会決議2758号と台湾の国際参加",
        "title_zh_hant": "聯合國大會第2758號決議與台灣的國際參與",
        "text_en": (
            "Speakers noted that UN Resolution 2758 does not mention Taiwan, and urged leaders around the "
            "world not to misuse it to keep Taiwan out of international participation."
        ),
        "text_ja": "登壇者は、国連総会決議2758号が台湾に言及していないことを指摘し、台湾を国際参加から排除するためにこれを悪用しないよう世界の指導者に求めた。",
        "text_zh_hant": "與會講者指出，聯合國大會第2758號決議並未提及台灣，並敦促各國領袖不要濫用該決議將台灣排除於國際參與之外。",
    },
]

# Kamakura's participants agreed to carry the supply-chain work forward and meet again in
# Nagoya; what Nagoya reports on it is left empty until it is reported.
FOLLOW_UPS = [
    {"resolution": ("kamakura-2025", 1), "edition": "nagoya-2026"},
]


def _upsert(model, lookup, values):
    """Create the row, or update only the fields that differ, so a second run writes nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
    return obj


def _set_if_different(manager, objects):
    if set(manager.all()) != set(objects):
        manager.set(objects)


@transaction.atomic
def load_demo():
    """Write the demo content; running it again changes nothing."""
    series = _upsert(Series, {"slug": SERIES["slug"]}, {k: v for k, v in SERIES.items() if k != "slug"})
    topics = {
        slug: _upsert(Topic, {"slug": slug}, {"name_en": en, "name_ja": ja, "name_zh_hant": zh})
        for slug, en, ja, zh in TOPICS
    }
    people = {
        person["slug"]: _upsert(Person, {"slug": person["slug"]}, {k: v for k, v in person.items() if k != "slug"})
        for person in PEOPLE
    }
    editions = {
        data["slug"]: _upsert(
            Edition, {"slug": data["slug"]}, {"series": series, **{k: v for k, v in data.items() if k != "slug"}}
        )
        for data in EDITIONS
    }
    for data in SPEECHES:
        values = {k: v for k, v in data.items() if k not in ("edition", "slug", "speaker", "topics")}
        speech = _upsert(
            Speech,
            {"edition": editions[data["edition"]], "slug": data["slug"]},
            {"speaker": people[data["speaker"]], **values},
        )
        _set_if_different(speech.topics, [topics[slug] for slug in data["topics"]])
    resolutions = {}
    for data in RESOLUTIONS:
        values = {k: v for k, v in data.items() if k not in ("edition", "number", "topics")}
        resolution = _upsert(Resolution, {"edition": editions[data["edition"]], "number": data["number"]}, values)
        _set_if_different(resolution.topics, [topics[slug] for slug in data["topics"]])
        resolutions[(data["edition"], data["number"])] = resolution
    for data in FOLLOW_UPS:
        _upsert(FollowUp, {"resolution": resolutions[data["resolution"]], "edition": editions[data["edition"]]}, {})
    return {
        "editions": len(editions),
        "people": len(people),
        "speeches": len(SPEECHES),
        "resolutions": len(resolutions),
        "topics": len(topics),
    }
