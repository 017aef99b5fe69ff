#!/usr/bin/env python3
"""Generate Handover's bundled sample register and floor plans (ALL DATA SYNTHETIC).

Every name, address, phone number, e-mail address, bank account and card number written
by this script is made up:

* municipalities are invented (架空市, 見本区, サンプル台 …) inside real prefectures;
* phone numbers use the exchange 0000 / 000 (…-0000-NNNN, …-000-NNNN), which is never
  assigned in Japan;
* e-mail addresses use only the reserved domains example.jp / example.com;
* bank accounts name 見本銀行 / 架空信用金庫 … with account numbers 0000NNN;
* card numbers are the public test numbers 4111111111111111 (Visa), 5555555555554444
  (Mastercard) and 3530111333300000 (JCB).

The payment columns exist only to show that Handover drops payment data at import.

Run (from the repository root)::

    pip install -r tools/sample/requirements.txt     # openpyxl + Pillow
    python3 tools/sample/gen_sample.py               # writes into sample/

or ``python3 tools/sample/gen_sample.py --out DIR`` to write somewhere else.
The output is byte-for-byte identical on every run (fixed random seed, fixed timestamps in
the xlsx zip and the PDF) given the same openpyxl / Pillow / zlib versions.

Outputs:
    sample/sample_register.xlsx   sheet 顧客台帳, title in row 1, headers in row 3, 300 rows
    sample/floor_plans/           C0001.png C0002.png C0003.png C0005.png C0008.png
                                  C0013.jpg C0021.pdf (the Rust core embeds exactly these)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from PIL import Image, ImageDraw, ImageFont

SEED = 20251123
N_CUSTOMERS = 300
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)  # written into the xlsx zip and properties
REPO = Path(__file__).resolve().parents[2]

TITLE = "【架空データ】サンプル顧客台帳 — 実在の人物・住所・電話番号ではありません"
HEADERS = [
    "顧客番号", "氏名", "フリガナ", "郵便番号", "住所", "電話番号", "メールアドレス",
    "生年月日", "性別", "職業", "契約サービス", "備考", "口座番号・名義", "クレジットカード番号",
]
COL_WIDTHS = [10, 16, 20, 11, 48, 16, 32, 12, 10, 16, 24, 28, 44, 22]

# ---------------------------------------------------------------------------------------
# Name material: (kanji, katakana, romaji). Common names, combined at random.
FAMILY = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("山下", "ヤマシタ", "yamashita"),
    ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"), ("小川", "オガワ", "ogawa"),
    ("前田", "マエダ", "maeda"), ("岡田", "オカダ", "okada"), ("長谷川", "ハセガワ", "hasegawa"),
    ("藤田", "フジタ", "fujita"), ("後藤", "ゴトウ", "goto"), ("近藤", "コンドウ", "kondo"),
    ("村上", "ムラカミ", "murakami"), ("遠藤", "エンドウ", "endo"), ("青木", "アオキ", "aoki"),
    ("坂本", "サカモト", "sakamoto"), ("福田", "フクダ", "fukuda"), ("太田", "オオタ", "ota"),
    ("西村", "ニシムラ", "nishimura"), ("藤井", "フジイ", "fujii"), ("岡本", "オカモト", "okamoto"),
    ("原田", "ハラダ", "harada"), ("中野", "ナカノ", "nakano"), ("小野", "オノ", "ono"),
]
GIVEN_M = [
    ("太郎", "タロウ", "taro"), ("一郎", "イチロウ", "ichiro"), ("健太", "ケンタ", "kenta"),
    ("翔太", "ショウタ", "shota"), ("大輔", "ダイスケ", "daisuke"), ("誠", "マコト", "makoto"),
    ("浩", "ヒロシ", "hiroshi"), ("隆", "タカシ", "takashi"), ("修", "オサム", "osamu"),
    ("拓也", "タクヤ", "takuya"), ("直樹", "ナオキ", "naoki"), ("和也", "カズヤ", "kazuya"),
    ("大樹", "ダイキ", "daiki"), ("健一", "ケンイチ", "kenichi"), ("正人", "マサト", "masato"),
    ("蓮", "レン", "ren"), ("悠斗", "ユウト", "yuto"), ("聡", "サトシ", "satoshi"),
    ("剛", "ツヨシ", "tsuyoshi"), ("茂", "シゲル", "shigeru"), ("勇気", "ユウキ", "yuki"),
    ("博之", "ヒロユキ", "hiroyuki"), ("次郎", "ジロウ", "jiro"), ("学", "マナブ", "manabu"),
]
GIVEN_F = [
    ("花子", "ハナコ", "hanako"), ("陽子", "ヨウコ", "yoko"), ("恵子", "ケイコ", "keiko"),
    ("美咲", "ミサキ", "misaki"), ("由美", "ユミ", "yumi"), ("裕子", "ユウコ", "yuko"),
    ("真由美", "マユミ", "mayumi"), ("彩", "アヤ", "aya"), ("愛", "アイ", "ai"),
    ("智子", "トモコ", "tomoko"), ("久美子", "クミコ", "kumiko"), ("明美", "アケミ", "akemi"),
    ("直美", "ナオミ", "naomi"), ("麻衣", "マイ", "mai"), ("結衣", "ユイ", "yui"),
    ("さくら", "サクラ", "sakura"), ("幸子", "サチコ", "sachiko"), ("和子", "カズコ", "kazuko"),
    ("千尋", "チヒロ", "chihiro"), ("美穂", "ミホ", "miho"), ("優子", "ユウコ", "yuko"),
    ("香織", "カオリ", "kaori"), ("典子", "ノリコ", "noriko"), ("舞", "マイ", "mai"),
]

# Real prefectures, a plausible postal-code prefix and the area code for the landline
# (the landline is always written with the unassignable exchange 0000 / 000).
# (prefecture, postal prefix, area code, weight) — the fictional operator is in 首都圏.
PREFS = [
    ("東京都", "100", "03", 30), ("神奈川県", "220", "045", 20), ("埼玉県", "330", "048", 14),
    ("千葉県", "260", "043", 12), ("茨城県", "310", "029", 4), ("静岡県", "420", "054", 3),
    ("大阪府", "530", "06", 3), ("愛知県", "460", "052", 3), ("北海道", "060", "011", 2),
    ("宮城県", "980", "022", 2), ("京都府", "600", "075", 2), ("兵庫県", "650", "078", 2),
    ("広島県", "730", "082", 1), ("福岡県", "810", "092", 2),
]
# Invented municipalities and districts. None of these exists in Japan.
CITIES = ["架空市", "見本市", "試験市", "サンプル市", "例題市", "仮想市", "模擬市", "架空郡見本町"]
CITIES_TOKYO = ["架空区", "見本区", "サンプル区", "架空市", "試験市"]
TOWNS = ["見本町", "架空町", "試験台", "サンプル台", "例題が丘", "仮想野", "模擬本町", "見本ヶ丘",
         "架空新町", "試験通", "例題西", "サンプル南"]
BUILDINGS = ["架空ハイツ", "見本マンション", "サンプルコーポ", "試験レジデンス", "例題荘"]

OCCUPATIONS = ["会社員", "自営業", "公務員", "パート・アルバイト", "主婦・主夫", "学生", "年金生活",
               "無職", "医療・福祉", "教員", "その他"]
SERVICES = [("ケーブルテレビ", 20), ("インターネット 1G", 22), ("インターネット 10G", 8),
            ("固定電話", 5), ("ケーブルテレビ＋インターネット", 45)]
NOTES = ["犬あり・インターホン故障中", "駐車スペースなし", "午前中在宅", "平日18時以降希望",
         "猫あり", "集合住宅・管理人室経由", "2階建て・屋根裏配線", "工事前に電話連絡希望",
         "耳が遠いため訪問時は大きめの声で", "宅内配線やり直し済み", "近隣に工事車両の事前周知要",
         "大型犬あり・門扉施錠"]
BANKS = ["見本銀行", "架空信用金庫", "サンプル銀行", "試験信用組合"]
BRANCHES = ["架空支店", "見本支店", "サンプル支店", "試験出張所"]
TEST_CARDS = ["4111111111111111", "5555555555554444", "3530111333300000"]
EMAIL_DOMAINS = ["example.jp", "example.com"]

# Rows carrying the mess real registers have (all still valid after normalization).
MESSY = {
    4: "phone_fullwidth",        # ０９０－００００－１２３４
    7: "postal_fullwidth",       # １００－００４２
    12: "kana_halfwidth",        # ﾔﾏﾀﾞ ﾀﾛｳ
    19: "name_padded",           # leading/trailing ideographic spaces in 氏名 and 住所
    27: "phone_number_cell",     # 9000001234 as a number (leading 0 lost)
    33: "postal_mark",           # 〒220-0012
    46: "postal_no_hyphen",      # 3300031
    58: "kana_hiragana",         # やまだ たろう
    71: "address_fullwidth",     # 見本町１－２－３
    90: "phone_parentheses",     # 03(0000)1234
    115: "name_halfwidth_space", # 山田 太郎, e-mail with upper-case domain and trailing space
    140: "kana_halfwidth",
}


# ---------------------------------------------------------------------------------------
# Text helpers

def _halfwidth_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        h = chr(cp)
        f = unicodedata.normalize("NFKC", h)
        if len(f) == 1:
            table.setdefault(f, h)
    return table


_HW = _halfwidth_table()


def to_halfwidth_kana(s: str) -> str:
    """ヤマダ　タロウ → ﾔﾏﾀﾞ ﾀﾛｳ (what old systems and some keyboards produce)."""
    out = []
    for ch in s:
        if ch in ("\u3000", " "):
            out.append(" ")
        elif ch in _HW:
            out.append(_HW[ch])
        else:
            d = unicodedata.normalize("NFD", ch)
            if len(d) == 2 and d[0] in _HW and d[1] in "\u3099\u309a":
                out.append(_HW[d[0]] + ("ﾞ" if d[1] == "\u3099" else "ﾟ"))
            else:
                out.append(ch)
    return "".join(out)


def to_hiragana(s: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in s)


def to_fullwidth_digits(s: str) -> str:
    """090-0000-1234 → ０９０－００００－１２３４."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isdigit() else ("－" if c == "-" else c)
                   for c in s)


# ---------------------------------------------------------------------------------------
# Customers

def make_customers(rng: random.Random) -> list[dict]:
    customers = []
    used_emails: set[str] = set()
    pref_weights = [p[3] for p in PREFS]
    for i in range(1, N_CUSTOMERS + 1):
        cid = f"C{i:04d}"
        g = rng.choices(["男性", "女性", "回答しない"], weights=[48, 48, 4])[0]
        fam = rng.choice(FAMILY)
        giv_pool = GIVEN_M if g == "男性" else GIVEN_F if g == "女性" else rng.choice([GIVEN_M, GIVEN_F])
        giv = rng.choice(giv_pool)
        name = f"{fam[0]}\u3000{giv[0]}"
        kana = f"{fam[1]} {giv[1]}"

        pref, zip3, area, _ = rng.choices(PREFS, weights=pref_weights)[0]
        postal = f"{zip3}-{rng.randint(1, 99):04d}"
        city = rng.choice(CITIES_TOKYO if pref == "東京都" else CITIES)
        town = rng.choice(TOWNS)
        addr = f"{pref}{city}{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
        if rng.random() < 0.3:
            addr += f"\u3000{rng.choice(BUILDINGS)}{rng.randint(1, 5)}{rng.randint(1, 9):02d}号室"

        if rng.random() < 0.55:
            phone = f"{rng.choice(['090', '080', '070'])}-0000-{rng.randint(0, 9999):04d}"
        elif len(area) == 2:
            phone = f"{area}-0000-{rng.randint(0, 9999):04d}"
        else:
            phone = f"{area}-000-{rng.randint(0, 9999):04d}"

        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(2004, 12, 31) - dt.date(1940, 1, 1)).days))
        age = 2025 - birth.year

        email = None
        if rng.random() < 0.75:
            style = rng.randint(0, 2)
            local = (f"{giv[2]}.{fam[2]}" if style == 0 else
                     f"{fam[2]}{birth.year % 100:02d}" if style == 1 else
                     f"{giv[2][0]}{fam[2]}")
            base = local
            n = 2
            while True:
                email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
                if email not in used_emails:
                    break
                local = f"{base}{n}"
                n += 1
            used_emails.add(email)

        if age < 23 and rng.random() < 0.7:
            occ = "学生"
        elif age >= 67 and rng.random() < 0.7:
            occ = "年金生活"
        elif rng.random() < 0.1:
            occ = None
        else:
            occ = rng.choice([o for o in OCCUPATIONS if o not in ("学生", "年金生活")])

        service = rng.choices([s for s, _ in SERVICES], weights=[w for _, w in SERVICES])[0]
        note = rng.choice(NOTES) if rng.random() < 0.15 else None

        bank = card = None
        r = rng.random()
        if r < 0.50:
            kind = "普通" if rng.random() < 0.9 else "当座"
            bank = (f"{rng.choice(BANKS)} {rng.choice(BRANCHES)} {kind} "
                    f"0000{rng.randint(100, 999)} {kana}")
        elif r < 0.95:
            card = rng.choice(TEST_CARDS)
            if rng.random() < 0.1:  # some offices type it in groups
                card = "-".join(card[k:k + 4] for k in range(0, 16, 4))
        # else: neither (コンビニ払い etc.)

        customers.append(dict(
            id=cid, name=name, kana=kana, postal=postal, address=addr, phone=phone, email=email,
            birth=dt.datetime(birth.year, birth.month, birth.day), gender=g, occupation=occ,
            service=service, notes=note, bank=bank, card=card,
            _area=area, _local=f"{giv[2]}.{fam[2]}",  # helpers, not written
        ))
    return customers


def apply_mess(c: dict, kind: str) -> None:
    if kind == "phone_fullwidth":
        c["phone"] = to_fullwidth_digits(c["phone"])
    elif kind == "postal_fullwidth":
        c["postal"] = to_fullwidth_digits(c["postal"])
    elif kind == "kana_halfwidth":
        c["kana"] = to_halfwidth_kana(c["kana"])
    elif kind == "kana_hiragana":
        c["kana"] = to_hiragana(c["kana"])
    elif kind == "name_padded":
        c["name"] = f"\u3000{c['name']}\u3000"
        c["address"] = f"{c['address']}\u3000"
    elif kind == "phone_number_cell":
        c["phone"] = int(c["phone"].replace("-", ""))  # Excel drops the leading 0
    elif kind == "postal_mark":
        c["postal"] = f"〒{c['postal']}"
    elif kind == "postal_no_hyphen":
        c["postal"] = c["postal"].replace("-", "")
    elif kind == "address_fullwidth":
        c["address"] = re.sub(r"(\d+)丁目(\d+)番(\d+)号",
                              lambda m: to_fullwidth_digits(f"{m[1]}-{m[2]}-{m[3]}"), c["address"])
    elif kind == "phone_parentheses":
        a, b, n = c["phone"].split("-")
        c["phone"] = f"{a}({b}){n}"
    elif kind == "name_halfwidth_space":
        c["name"] = c["name"].replace("\u3000", " ")
        local, dom = c["email"].split("@") if c["email"] else (c["_local"], "example.jp")
        c["email"] = f"{local}@{dom.upper()} "
    else:
        raise ValueError(kind)


def force_mobile(c: dict, rng: random.Random) -> None:
    """Some mess kinds only make sense for a particular phone shape."""
    c["phone"] = f"090-0000-{rng.randint(0, 9999):04d}"


def force_landline(c: dict, rng: random.Random) -> None:
    area = c["_area"]
    c["phone"] = f"{area}-{'0000' if len(area) == 2 else '000'}-{rng.randint(0, 9999):04d}"


# ---------------------------------------------------------------------------------------
# Deterministic zip (openpyxl stamps "now" into docProps and into every zip entry)

def deterministic_zip(data: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = info.external_attr
            dst.writestr(zi, body)
    return out.getvalue()


def write_register(customers: list[dict], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "顧客台帳"
    wb.properties.creator = "Handover sample generator (synthetic data)"
    wb.properties.title = "サンプル顧客台帳（架空データ）"
    wb.properties.created = FIXED_TIME

    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=12, color="C00000")
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="D9D9D9")
    for col, h in enumerate(HEADERS, start=1):
        cell = ws.cell(row=3, column=col, value=h)
        cell.font = head_font
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = COL_WIDTHS[col - 1]

    keys = ["id", "name", "kana", "postal", "address", "phone", "email", "birth", "gender",
            "occupation", "service", "notes", "bank", "card"]
    for r, c in enumerate(customers, start=4):
        for col, k in enumerate(keys, start=1):
            v = c[k]
            if v is None:
                continue
            cell = ws.cell(row=r, column=col, value=v)
            if k == "birth":
                cell.number_format = "yyyy/m/d"
            elif k == "phone" and isinstance(v, int):
                cell.number_format = "0"
            else:
                cell.number_format = "@"  # text, as offices keep IDs, phones and cards
    ws.freeze_panes = "B4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(HEADERS))}{3 + len(customers)}"

    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(deterministic_zip(buf.getvalue()))


# ---------------------------------------------------------------------------------------
# Floor plans: simple line drawings, ASCII labels only.
# Layout rooms: (label, x, y, w, h) in grid units (1 unit ≈ 0.91 m, one 半間).
LAYOUTS = {
    "2LDK+": {
        "floors": [("1F", [
            ("BR1", 0, 0, 5, 4), ("BR2", 5, 0, 4, 4), ("LDK", 9, 0, 7, 6), ("HALL", 0, 4, 9, 2),
            ("ENT", 0, 6, 3, 4), ("WC", 3, 6, 2, 4), ("UT", 5, 6, 2, 4), ("BATH", 7, 6, 3, 4),
            ("WIC", 10, 6, 2, 4), ("BR3", 12, 6, 4, 4),
        ])],
        "size": (16, 10),
    },
    "1LDK apartment": {
        "floors": [("", [
            ("BALCONY", 0, 0, 12, 1.5), ("LDK", 0, 1.5, 7, 4.5), ("BR", 7, 1.5, 5, 4.5),
            ("ENT", 0, 6, 3, 4), ("WC", 3, 6, 2, 2), ("UT", 3, 8, 2, 2), ("BATH", 5, 6, 3, 4),
            ("WIC", 8, 6, 4, 4),
        ])],
        "size": (12, 10),
    },
    "3LDK two-storey": {
        "floors": [
            ("1F", [("LDK", 0, 0, 8, 5), ("ENT", 0, 5, 2, 4), ("ST", 2, 5, 2, 4), ("UT", 4, 5, 2, 2),
                    ("WC", 4, 7, 2, 2), ("BATH", 6, 5, 2, 4)]),
            ("2F", [("BR1", 0, 0, 4, 5), ("BR2", 4, 0, 4, 5), ("HALL", 0, 5, 2, 4), ("ST", 2, 5, 2, 4),
                    ("WC", 4, 5, 2, 2), ("CL", 4, 7, 2, 2), ("BR3", 6, 5, 2, 4)]),
        ],
        "size": (8, 9),
    },
}


def _font(size: int) -> ImageFont.ImageFont:
    # Pillow's bundled font (no dependency on the fonts installed on the machine).
    return ImageFont.load_default(size=size)


def draw_plan(cid: str, rng: random.Random) -> Image.Image:
    W, H = 800, 600
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    title_font, label_font, small_font = _font(22), _font(15), _font(12)

    d.text((W // 2, 24), f"SAMPLE FLOOR PLAN {cid} (fictional)", fill=0, font=title_font, anchor="mm")
    d.text((W // 2, 50), "Synthetic drawing for the Handover demo - not a real house",
           fill=90, font=small_font, anchor="mm")

    name = rng.choice(sorted(LAYOUTS))
    layout = LAYOUTS[name]
    floors = layout["floors"]
    gw, gh = layout["size"]
    mirror = rng.random() < 0.5
    avail_w = (W - 200 - 60 * (len(floors) - 1)) / len(floors)  # 100 px margins for labels
    unit = int(min(avail_w / gw, (H - 190) / gh))
    total_w = unit * gw * len(floors) + 60 * (len(floors) - 1)
    x0 = (W - total_w) // 2
    y0 = 90 + max(0, (H - 190 - unit * gh) // 2)

    outlets = []
    for fi, (flabel, rooms) in enumerate(floors):
        ox = x0 + fi * (unit * gw + 60)
        if flabel:
            d.text((ox, y0 - 8), flabel, fill=0, font=label_font, anchor="lb")
        for label, rx, ry, rw, rh in rooms:
            if mirror:
                rx = gw - rx - rw
            a = (ox + rx * unit, y0 + ry * unit)
            b = (ox + (rx + rw) * unit, y0 + (ry + rh) * unit)
            if label == "BALCONY":
                for k in range(int(a[0]) + 8, int(b[0]), 16):
                    d.line([(k, a[1] + 4), (k, b[1] - 4)], fill=170, width=1)
            if label == "ST":
                for k in range(1, 8):
                    yy = a[1] + (b[1] - a[1]) * k / 8
                    d.line([(a[0] + 3, yy), (b[0] - 3, yy)], fill=150, width=1)
            d.rectangle([a, b], outline=0, width=2)
            centre = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            d.rectangle(d.textbbox(centre, label, font=label_font, anchor="mm"), fill=255)
            d.text(centre, label, fill=0, font=label_font, anchor="mm")
            if label in ("LDK", "BR", "BR1", "BR2") and rng.random() < 0.8:
                outlets.append((a, b))
        # outer wall
        d.rectangle([(ox - 2, y0 - 2), (ox + gw * unit + 2, y0 + gh * unit + 2)], outline=0, width=5)

        # windows on the top wall of each top-row room
        for label, rx, ry, rw, rh in rooms:
            if ry == 0 and label not in ("WC", "BATH", "WIC", "CL", "ST", "BALCONY"):
                if mirror:
                    rx = gw - rx - rw
                cx = ox + (rx + rw / 2) * unit
                half = min(rw * unit * 0.3, 60)
                d.rectangle([(cx - half, y0 - 4), (cx + half, y0 + 4)], fill=255, outline=0, width=1)
                d.line([(cx - half, y0), (cx + half, y0)], fill=0, width=1)

    # entrance door (an arc on the outer wall of ENT, first floor)
    for label, rx, ry, rw, rh in floors[0][1]:
        if label == "ENT":
            if mirror:
                rx = gw - rx - rw
            door_x = x0 + (rx + 0.3) * unit
            door_y = y0 + (ry + rh) * unit
            r = int(0.9 * unit)
            d.line([(door_x, door_y), (door_x + r, door_y)], fill=255, width=6)
            d.arc([(door_x - r, door_y - r), (door_x + r, door_y + r)], 270, 360, fill=0, width=1)
            d.line([(door_x, door_y), (door_x, door_y - r)], fill=0, width=2)

    # TV outlets and the cable lead-in point (what an installer cares about)
    for a, b in outlets:
        cx, cy = b[0] - 18, b[1] - 18
        d.ellipse([(cx - 10, cy - 10), (cx + 10, cy + 10)], outline=0, width=2)
        d.text((cx, cy), "TV", fill=0, font=small_font, anchor="mm")
    lead_x = x0 + (0 if mirror else unit * gw)
    lead_y = y0 + unit * 2
    d.line([(lead_x, lead_y), (lead_x + (-30 if mirror else 30), lead_y)], fill=0, width=3)
    d.text((lead_x + (-34 if mirror else 34), lead_y), "CATV IN", fill=0, font=small_font,
           anchor="rm" if mirror else "lm")

    # legend, scale bar, north arrow
    by = H - 40
    d.text((40, by - 28), f"Layout: {name}   1 grid = 0.91 m", fill=60, font=small_font, anchor="lm")
    for k in range(4):
        d.rectangle([(40 + k * unit, by - 5), (40 + (k + 1) * unit, by + 5)], outline=0,
                    fill=0 if k % 2 == 0 else 255)
    d.text((40, by + 16), "0", fill=0, font=small_font, anchor="mm")
    d.text((40 + 4 * unit, by + 16), "3.6 m", fill=0, font=small_font, anchor="mm")
    nx, ny = W - 50, H - 60
    d.polygon([(nx, ny - 25), (nx - 9, ny + 5), (nx, ny - 3), (nx + 9, ny + 5)], fill=0)
    d.text((nx, ny + 20), "N", fill=0, font=label_font, anchor="mm")
    d.text((W - 90, H - 14), "FICTIONAL - NOT FOR CONSTRUCTION", fill=120, font=small_font, anchor="rm")
    return img


def write_plans(out: Path, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for cid, ext in [("C0001", "png"), ("C0002", "png"), ("C0003", "png"), ("C0005", "png"),
                     ("C0008", "png"), ("C0013", "jpg"), ("C0021", "pdf")]:
        rng = random.Random(f"{seed}-{cid}")
        img = draw_plan(cid, rng)
        path = out / f"{cid}.{ext}"
        if ext == "png":
            # 16 grey levels are plenty for a line drawing and keep the file small.
            img.quantize(colors=16, dither=Image.Dither.NONE).save(path, "PNG", optimize=True)
        elif ext == "jpg":
            img.save(path, "JPEG", quality=70, optimize=True)
        else:
            stamp = time.struct_time(FIXED_TIME.timetuple())
            img.point(lambda v: 0 if v < 160 else 255, mode="1").save(
                path, "PDF", resolution=96.0, title=f"SAMPLE FLOOR PLAN {cid} (fictional)",
                author="Handover sample generator", creator="tools/sample/gen_sample.py",
                producer="Pillow", creationDate=stamp, modDate=stamp)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "sample", help="output folder (default: sample/)")
    args = ap.parse_args()

    rng = random.Random(SEED)
    customers = make_customers(rng)
    mess_rng = random.Random(SEED + 1)
    for idx, kind in MESSY.items():
        c = customers[idx - 1]
        if kind in ("phone_fullwidth", "phone_number_cell"):
            force_mobile(c, mess_rng)
        elif kind == "phone_parentheses":
            force_landline(c, mess_rng)
        apply_mess(c, kind)

    args.out.mkdir(parents=True, exist_ok=True)
    write_register(customers, args.out / "sample_register.xlsx")
    write_plans(args.out / "floor_plans", SEED)
    for p in sorted([args.out / "sample_register.xlsx", *sorted((args.out / "floor_plans").iterdir())]):
        print(f"{p.stat().st_size:>8}  {p.relative_to(args.out.parent) if args.out.parent in p.parents else p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
