#!/usr/bin/env python3
"""Deterministic generator of benchmark messages in the shape of the
platform's models (shared/models): orders, payments and logistics status
events, valid or with about 10% defects, with a chosen number of order
lines.  Writes NDJSON (one message per line) or, with --xml, CEB311 order
documents one per line.

    gen.py --kind order --count 20000 --lines 4 --defects 0.1 > orders.ndjson
    gen.py --xml --count 2000 --truth rules.txt > orders.xml.ndjson

The XML documents are CEB311Message (2022-05) carrying the same orders as
the JSON form of the same seed; each kind of defect has a CEB311
counterpart that one rule of packs/ceb.pack.json reports, and --truth
writes that rule (or "-") per document.
"""
import argparse
import json
import random
import sys
from decimal import Decimal
from xml.sax.saxutils import escape

NAMES = [("保湿面霜", "Moisturizing Face Cream"), ("日本绿茶 100克", "Japanese Green Tea 100 g"),
         ("维生素C片", "Vitamin C Tablets"), ("婴儿配方奶粉", "Infant Formula"),
         ("护手霜", "Hand Cream"), ("不锈钢保温杯", "Stainless Steel Vacuum Flask"),
         ("蓝牙耳机", "Bluetooth Earphones"), ("儿童积木", "Children's Building Blocks")]
GTINS = ["6901234567892", "4901234567894", "4006381333931", "0012345678905", "5901234123457",
         "9780201379624", "4902430756242", "6920202888883"]
HS = ["3304990099", "0902109000", "2106909090", "1901101000", "3304990091", "9617001100", "8518300000", "9503008900"]
STATES = ["CREATED", "PICKED_UP", "EXPORT_CLEARANCE", "DEPARTED_ORIGIN", "ARRIVED_DESTINATION",
          "IMPORT_CLEARANCE", "CUSTOMS_RELEASED", "OUT_FOR_DELIVERY", "DELIVERED"]


def money(d):
    return str(d.quantize(Decimal("0.01")))


def order(rng, i, lines, defect):
    """The JSON order; with defect, one of six kinds of mistake."""
    o = order_data(rng, i, lines)
    if defect:
        json_defect(o, rng.randrange(6))
    return o


def order_data(rng, i, lines):
    items = []
    total = Decimal(0)
    for n in range(lines):
        k = rng.randrange(len(NAMES))
        qty = rng.randint(1, 5)
        price = Decimal(rng.randint(500, 50000)) / 100
        line = price * qty
        total += line
        items.append({"lineNo": n + 1, "sku": "SKU-%05d" % rng.randint(0, 99999), "gtin": GTINS[k], "hsCode": HS[k],
                      "name": {"zh": NAMES[k][0], "en": NAMES[k][1]}, "originCountry": rng.choice(["JP", "KR", "DE", "US"]),
                      "unit": "EA", "quantity": str(qty), "unitPrice": money(price), "lineTotal": money(line)})
    freight = Decimal(rng.randint(0, 3000)) / 100
    discount = Decimal(rng.randint(0, 1000)) / 100
    if discount > total:
        discount = Decimal(0)
    tax = (total * Decimal("0.091")).quantize(Decimal("0.01"))
    paid = total + freight - discount + tax
    o = {"messageType": "order", "schemaVersion": "1.0", "orderNo": "CBO2026%010d" % i,
         "orderTime": "2026-11-%02dT%02d:%02d:%02d+08:00" % (rng.randint(1, 27), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
         "tradeMode": rng.choice(["9610", "1210"]),
         "platform": {"code": "3301960A1B", "name": {"zh": "示例跨境平台", "en": "Example Cross-border Platform"}},
         "seller": {"code": "3301960C2D", "uscc": "91330106MA2H3K4L5N", "name": {"zh": "杭州示例贸易有限公司", "en": "Hangzhou Example Trading Co., Ltd."}},
         "buyer": {"name": "张伟", "idType": "1", "idNumber": "110105199003071239", "phone": "+8613812345678", "email": "zhang.wei@example.cn"},
         "consignee": {"name": {"zh": "张伟", "latn": "ZHANG WEI"}, "phone": "+8613812345678",
                       "address": {"country": "CN", "province": "浙江省", "city": "杭州市", "district": "西湖区",
                                   "line1": {"zh": "文三路100号", "latn": "100 WENSAN RD"}, "postalCode": "310012"}},
         "originCountry": "JP", "destinationCountry": "CN", "currency": "CNY",
         "goodsValue": money(total), "freight": money(freight), "discount": money(discount), "taxTotal": money(tax),
         "totalPaid": money(paid), "items": items}
    return o


def json_defect(o, kind):
    if kind == 0:
        o["tradeMode"] = "1234"
    elif kind == 1:
        o["items"][0]["gtin"] = o["items"][0]["gtin"][:-1] + str((int(o["items"][0]["gtin"][-1]) + 1) % 10)
    elif kind == 2:
        o["currency"] = "RMB"
    elif kind == 3:
        del o["orderNo"]
    elif kind == 4:
        o["items"][-1]["hsCode"] = "12345"
    else:
        o["totalPaid"] = money(Decimal(o["totalPaid"]) + 1)


# CEB311 (China customs electronic order, 2022-05 edition): customs codes
# for what the JSON order writes in ISO codes, as packs/ceb/codes has them.
CEB_NS = "http://www.chinaport.gov.cn/ceb"
CEB_COUNTRY = {"JP": "116", "KR": "133", "DE": "304", "US": "502"}
CEB_UNIT = {"EA": "007"}
GMODEL = ["50g", "100g", "60片", "900g", "75ml", "500ml", "1副", "120块"]
# The six kinds of JSON defect, each as the CEB311 form can carry it, and
# the rule of the reference packs (packs/ceb.pack.json) that must report it:
#   0 an unknown code (tradeMode)       -> buyerIdType 3      CEB311-007
#   1 a wrong check digit (GTIN)        -> buyerIdNumber      CEB311-009
#   2 an unknown code (currency)        -> item country ZZZ   CEB311-005
#   3 orderNo missing                   -> orderNo missing    CEB311-XSD (xmllint too)
#   4 a malformed value (hsCode)        -> appTime 30 Nov+1   CEB311-015
#   5 totalPaid off by one              -> acturalPaid        CEB311-014
XML_DEFECT_RULES = ["CEB311-007", "CEB311-009", "CEB311-005", "CEB311-XSD", "CEB311-015", "CEB311-014"]


def ceb_guid(i, part):
    """A 36-character upper-case GUID, derived from the message number so
    the random stream stays the JSON generator's."""
    return "%08X-%04X-4%03X-8%03X-%012X" % (0xCEB31100 + part, i >> 16 & 0xFFFF, i >> 4 & 0xFFF, i & 0xF, i)


def el(name, value):
    return "<ceb:%s>%s</ceb:%s>" % (name, escape(value), name)


def ceb311(o, i, defect_kind=None):
    """The order o (from order_data) as one CEB311Message document on one
    line; defect_kind (0-5) puts the matching mistake into it."""
    k = defect_kind
    date, clock = o["orderTime"][:10], o["orderTime"][11:19]
    app_time = date.replace("-", "") + clock.replace(":", "")
    if k == 4:
        app_time = "20261131" + app_time[8:]   # November has 30 days
    b, c = o["buyer"], o["consignee"]
    addr = c["address"]
    id_number = b["idNumber"]
    if k == 1:
        id_number = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")
    paid = o["totalPaid"] if k != 5 else money(Decimal(o["totalPaid"]) + 1)
    head = [el("guid", ceb_guid(i, 1)), el("appType", "1"), el("appTime", app_time), el("appStatus", "2"),
            el("orderType", "I")]
    if k != 3:
        head.append(el("orderNo", o["orderNo"]))
    head += [el("ebpCode", o["platform"]["code"]), el("ebpName", o["platform"]["name"]["zh"]),
             el("ebcCode", o["seller"]["code"]), el("ebcName", o["seller"]["name"]["zh"]),
             el("goodsValue", o["goodsValue"]), el("freight", o["freight"]), el("discount", o["discount"]),
             el("taxTotal", o["taxTotal"]), el("acturalPaid", paid), el("currency", "142"),
             el("buyerRegNo", b["email"].split("@")[0]), el("buyerName", b["name"]),
             el("buyerTelephone", b["phone"][3:] if b["phone"].startswith("+86") else b["phone"]),
             el("buyerIdType", "3" if k == 0 else b["idType"]), el("buyerIdNumber", id_number),
             el("payCode", "312226T001"), el("payName", "示例支付有限公司"),
             el("payTransactionId", "PAY2026%010d" % i), el("consignee", c["name"]["zh"]),
             el("consigneeTelephone", c["phone"][3:] if c["phone"].startswith("+86") else c["phone"]),
             el("consigneeAddress", addr["province"] + addr["city"] + addr["district"] + addr["line1"]["zh"])]
    lines = []
    for n, it in enumerate(o["items"]):
        g = GTINS.index(it["gtin"]) if it["gtin"] in GTINS else 0
        country = CEB_COUNTRY[it["originCountry"]]
        if k == 2 and n == len(o["items"]) - 1:
            country = "ZZZ"
        lines.append("<ceb:OrderList>" + "".join([
            el("gnum", str(it["lineNo"])), el("itemNo", it["sku"]), el("itemName", it["name"]["zh"]),
            el("gmodel", GMODEL[g]), el("barCode", it["gtin"]), el("unit", CEB_UNIT[it["unit"]]),
            el("qty", it["quantity"]), el("price", it["unitPrice"]), el("totalPrice", it["lineTotal"]),
            el("currency", "142"), el("country", country)]) + "</ceb:OrderList>")
    transfer = [el("copCode", o["seller"]["code"]), el("copName", o["seller"]["name"]["zh"]), el("dxpMode", "DXP"),
                el("dxpId", "DXPENT0000000001")]
    return ('<?xml version="1.0" encoding="UTF-8"?><ceb:CEB311Message guid="%s" version="1.0" xmlns:ceb="%s">'
            '<ceb:Order><ceb:OrderHead>%s</ceb:OrderHead>%s</ceb:Order><ceb:BaseTransfer>%s</ceb:BaseTransfer>'
            '</ceb:CEB311Message>' % (ceb_guid(i, 0), CEB_NS, "".join(head), "".join(lines), "".join(transfer)))


def payment(rng, i, defect):
    p = {"messageType": "payment", "schemaVersion": "1.0", "paymentNo": "PAY2026%010d" % i,
         "uetr": "%08x-%04x-4%03x-%x%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                                 8 + rng.getrandbits(2), rng.getrandbits(12), rng.getrandbits(48)),
         "orderNo": "CBO2026%010d" % i, "payTime": "2026-11-27T10:16:02+08:00",
         "payer": {"name": "张伟", "idType": "1", "idNumber": "110105199003071239", "card": {"maskedPan": "622588******7898", "scheme": "UNIONPAY"}},
         "payee": {"name": "Example Cosmetics GmbH", "lei": "5493001KJTIIGC8Y1R12", "country": "DE",
                   "account": {"iban": "DE89370400440532013000"}, "agent": {"bic": "DEUTDEFFXXX"}},
         "paymentInstitution": {"code": "312226T001", "name": {"zh": "示例支付有限公司", "en": "Example Pay Co., Ltd."}},
         "amountPaid": {"value": money(Decimal(rng.randint(100, 100000)) / 100), "currency": "CNY"},
         "settlement": {"value": "51.09", "currency": "EUR", "exchangeRate": "8.1000"}, "chargeBearer": "SHAR", "purpose": "ECPG"}
    if defect:
        p["payee"]["account"]["iban"] = "DE89370400440532013001"
    return p


def logistics(rng, i, defect):
    n = rng.randint(3, len(STATES))
    events = [{"status": STATES[k], "time": "2026-11-%02dT%02d:00:00+08:00" % (20 + k // 3, (k * 5) % 24),
               "location": {"unlocode": "CNHGH"}, "description": {"en": STATES[k].title(), "zh": "状态"}} for k in range(n)]
    m = {"messageType": "logisticsStatus", "schemaVersion": "1.0", "waybillNo": "EE202611270JP", "orderNo": "CBO2026%010d" % i,
         "carrier": {"code": "JPPOST", "name": {"zh": "日本邮政", "en": "Japan Post"}}, "events": events}
    if defect:
        m["events"][0]["status"] = "LOST_IN_SPACE"
    return m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["order", "payment", "logistics", "mixed"], default="order")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--lines", type=int, default=4)
    ap.add_argument("--defects", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--xml", action="store_true",
                    help="CEB311 XML orders, one document per line (the same orders as the JSON form)")
    ap.add_argument("--truth", metavar="FILE",
                    help="with --xml: write per document the rule that must report its defect ('-' for none)")
    a = ap.parse_args()
    if a.xml and a.kind != "order":
        ap.error("--xml writes orders only (--kind order)")
    if a.truth and not a.xml:
        ap.error("--truth goes with --xml")
    if a.xml and not 1 <= a.lines <= 99:
        ap.error("a CEB311 order holds 1 to 99 lines")
    rng = random.Random(a.seed)
    out, truth = [], []
    for i in range(a.count):
        defect = rng.random() < a.defects
        kind = a.kind if a.kind != "mixed" else ("order", "payment", "logistics")[i % 3]
        if a.xml:
            # the same random draws as the JSON order, so one seed gives one set of orders
            o = order_data(rng, i, a.lines)
            k = rng.randrange(6) if defect else None
            out.append(ceb311(o, i, k))
            truth.append(XML_DEFECT_RULES[k] if k is not None else "-")
            continue
        if kind == "order":
            m = order(rng, i, a.lines, defect)
        elif kind == "payment":
            m = payment(rng, i, defect)
        else:
            m = logistics(rng, i, defect)
        out.append(json.dumps(m, ensure_ascii=False, separators=(",", ":")))
    if a.truth:
        with open(a.truth, "w") as f:
            f.write("\n".join(truth) + "\n")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
