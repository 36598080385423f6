#!/usr/bin/env python3
"""Generate tests/cases/coding/<case>/{message.json, expected.json}: one
defect of a coding rule put into an example message (examples/*.json), and
where the reference packs' finding must point.  Rerun after changing the
examples:  python3 tests/cases/coding/generate.py"""
import json, os
OUT = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(OUT, '..', '..', '..')

def example(name):
    return open(os.path.join(SRC, 'examples', name), encoding='utf-8').read()

def case(name, base, subs, findings, args=None):
    text = example(base)
    for old, new in subs:
        assert text.count(old) >= 1, (name, old)
        text = text.replace(old, new, 1)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, 'message.json'), 'w', encoding='utf-8').write(text)
    exp = {"valid": not findings, "findings": [dict(zip(("rule", "path"), f[:2]), **(f[2] if len(f) > 2 else {})) for f in findings]}
    if args:
        exp["args"] = args
    if not findings:
        exp["exit"] = 0
    open(os.path.join(d, 'expected.json'), 'w', encoding='utf-8').write(json.dumps(exp, ensure_ascii=False, indent=2) + "\n")

O, P, L = 'order.json', 'payment.json', 'logistics-status.json'
# ---- order ----
case('order-time-30-february', O, [('"2026-11-27T10:15:30+08:00"', '"2026-02-30T10:15:30+08:00"')],
     [("ORD-002", "/orderTime", {"line": 5, "column": 16, "message": "order time \"2026-02-30T10:15:30+08:00\" must be an ISO 8601 date-time with a UTC offset: day 30 does not exist in February 2026"})])
case('order-time-without-offset', O, [('"2026-11-27T10:15:30+08:00"', '"2026-11-27T10:15:30"')],
     [("ORD-002", "/orderTime")])
case('order-time-leap-day-valid', O, [('"2026-11-27T10:15:30+08:00"', '"2028-02-29T10:15:30Z"')], [])
case('order-uscc-check-character', O, [('91330106MA2H3K4L5N', '91330106MA2H3K4L5M')],
     [("ORD-006", "/seller/uscc", {"line": 16, "column": 13})])
case('order-buyer-id-birth-date', O, [('"idNumber": "110105199003071239"', '"idNumber": "110105199002301236"')],
     [("ORD-044", "/buyer/idNumber")])
case('order-buyer-passport-not-checked', O, [('"idType": "1"', '"idType": "2"'), ('"idNumber": "110105199003071239"', '"idNumber": "E12345678"')], [])
case('order-consignee-phone-not-e164', O, [('"phone": "+8613812345678",\n    "address"', '"phone": "+86 138 1234 5678",\n    "address"')],
     [("ORD-009", "/consignee/phone")])
case('order-item-origin-unknown-country', O, [('"originCountry": "JP",\n      "unit": "EA",\n      "quantity": "1"', '"originCountry": "XJ",\n      "unit": "EA",\n      "quantity": "1"')],
     [("ORD-012", "/items/1/originCountry")])
case('order-currency-not-iso4217', O, [('"currency": "CNY"', '"currency": "RMB"')],
     [("ORD-014", "/currency", {"line": 49, "column": 15})])
case('order-unit-price-beyond-minor-unit', O, [('"freight": "10.00"', '"freight": "10.005"'), ('"totalPaid": "413.85"', '"totalPaid": "413.855"')],
     [("ORD-016", "/freight", {"message": "freight \"10.005\" must be a non-negative decimal string within the currency's minor unit: 3 fraction digits, but the minor unit of CNY allows 2"}),
      ("ORD-019", "/totalPaid")])
case('order-jpy-amounts-without-fraction', O, [('"currency": "CNY"', '"currency": "JPY"'), ('"unitPrice": "150.00"', '"unitPrice": "150"'),
      ('"lineTotal": "300.00"', '"lineTotal": "300"'), ('"freight": "10.00"', '"freight": "10"'), ('"discount": "20.00"', '"discount": "20"')],
     [("ORD-015", "/goodsValue"), ("ORD-018", "/taxTotal"), ("ORD-019", "/totalPaid"), ("ORD-020", "/items/1/unitPrice"),
      ("ORD-021", "/items/1/lineTotal"), ("ORD-040", "/items/1/lineTotal")])
case('order-discount-negative', O, [('"discount": "20.00"', '"discount": "-20.00"'), ('"totalPaid": "413.85"', '"totalPaid": "453.85"')],
     [("ORD-017", "/discount", {"message": "discount \"-20.00\" must be a non-negative decimal string within the currency's minor unit: negative"})])
case('order-gtin-check-digit', O, [('6901234567892', '6901234567895')],
     [("ORD-023", "/items/0/gtin", {"message": "GTIN \"6901234567895\" is not a valid GS1 GTIN-8/12/13/14: check digit is 5, expected 2"})])
case('order-hscode-chapter-77', O, [('"hsCode": "0902109000"', '"hsCode": "7702109000"')],
     [("ORD-024", "/items/1/hsCode")])
case('order-quantity-not-positive', O, [('"quantity": "1"', '"quantity": "0"'), ('"lineTotal": "88.50"', '"lineTotal": "0.00"'),
      ('"goodsValue": "388.50"', '"goodsValue": "300.00"'), ('"totalPaid": "413.85"', '"totalPaid": "325.35"')],
     [("ORD-025", "/items/1/quantity", {"message": "quantity \"0\" must be a positive decimal string: zero, a positive number is required"})])
# ---- payment ----
case('payment-uetr-version-1', P, [('3f2b8c1e-7d4a-4e5b-9c6d-1a2b3c4d5e6f', '3f2b8c1e-7d4a-1e5b-9c6d-1a2b3c4d5e6f')],
     [("PAY-003", "/uetr")])
case('payment-time-31-november', P, [('2026-11-27T10:16:02+08:00', '2026-11-31T10:16:02+08:00')],
     [("PAY-004", "/payTime")])
case('payment-payer-id-check-character', P, [('110105199003071239', '110105199003071238')],
     [("PAY-005", "/payer/idNumber", {"line": 11, "column": 17})])
case('payment-full-card-number', P, [('622588******7898', '6225881234567898')],
     [("PAY-006", "/payer/card/maskedPan")])
case('payment-lei-check-digits', P, [('5493001KJTIIGC8Y1R12', '5493001KJTIIGC8Y1R21')],
     [("PAY-007", "/payee/lei")])
case('payment-iban-check-digits', P, [('DE89370400440532013000', 'DE88370400440532013000')],
     [("PAY-008", "/payee/account/iban", {"message": "IBAN \"DE88370400440532013000\" is not a valid ISO 13616 IBAN: check digits are 88, expected 89"})])
case('payment-bic-unknown-country', P, [('DEUTDEFFXXX', 'DEUTXDFFXXX')],
     [("PAY-009", "/payee/agent/bic")])
case('payment-payee-country-unknown', P, [('"country": "DE"', '"country": "EU"')],
     [("PAY-010", "/payee/country")])
case('payment-kwd-three-fraction-digits', P, [('"value": "413.85",\n    "currency": "CNY"', '"value": "413.8505",\n    "currency": "KWD"')],
     [("PAY-011", "/amountPaid/value", {"message": "amount paid \"413.8505\" must be a non-negative decimal string within the currency's minor unit: 4 fraction digits, but the minor unit of KWD allows 3"})])
case('payment-kwd-valid', P, [('"value": "413.85",\n    "currency": "CNY"', '"value": "413.850",\n    "currency": "KWD"')], [])
case('payment-settlement-in-jpy', P, [('"currency": "EUR"', '"currency": "JPY"')],
     [("PAY-013", "/settlement/value")])
case('payment-settlement-currency-unknown', P, [('"currency": "EUR"', '"currency": "XTS"')],
     [("PAY-014", "/settlement/currency")])
case('payment-exchange-rate-zero', P, [('"exchangeRate": "8.1000"', '"exchangeRate": "0.00000000"')],
     [("PAY-015", "/settlement/exchangeRate")])
case('payment-exchange-rate-nine-digits', P, [('"exchangeRate": "8.1000"', '"exchangeRate": "8.100000001"')],
     [("PAY-015", "/settlement/exchangeRate")])
# ---- logistics ----
case('logistics-s10-check-digit', L, [('EE202611270JP', 'EE202611271JP')],
     [("LOG-001", "/waybillNo", {"message": "waybill number \"EE202611271JP\" is not a UPU S10 identifier: check digit is 1, expected 0"})])
case('logistics-s10-unknown-country', L, [('EE202611270JP', 'EE202611270XJ')],
     [("LOG-001", "/waybillNo")])
case('logistics-container-check-digit', L, [('CSQU3054383', 'CSQU3054384')],
     [("LOG-002", "/container")])
case('logistics-event-time-29-february', L, [('2026-11-28T21:45:00+09:00', '2026-02-29T21:45:00+09:00')],
     [("LOG-005", "/events/3/time")])
case('logistics-unlocode-unknown-country', L, [('"unlocode": "JPNRT"', '"unlocode": "XJNRT"')],
     [("LOG-006", "/events/3/location/unlocode")])
