#!/usr/bin/env python3
"""Deterministic generator of benchmark messages in the shape of the
platform's models (shared/models): orders, payments and logistics status
events, valid or with about 10% defects, with a chosen number of order
lines.  Writes NDJSON (one message per line) or, with --xml, CEB311 order
documents one per line.

    gen.py --kind order --count 20000 --lines 4 --defects 0.1 > orders.ndjson
"""
import argparse
import json
import random
from decimal import Decimal

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
    if defect:
        kind = rng.randrange(6)
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
            o["totalPaid"] = money(paid + 1)
    return o


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
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = []
    for i in range(a.count):
        defect = rng.random() < a.defects
        kind = a.kind if a.kind != "mixed" else ("order", "payment", "logistics")[i % 3]
        if kind == "order":
            m = order(rng, i, a.lines, defect)
        elif kind == "payment":
            m = payment(rng, i, defect)
        else:
            m = logistics(rng, i, defect)
        out.append(json.dumps(m, ensure_ascii=False, separators=(",", ":")))
    print("\n".join(out))


if __name__ == "__main__":
    main()
