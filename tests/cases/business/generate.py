#!/usr/bin/env python3
"""Generate tests/cases/business/<case>/{message.json, expected.json}: one
defect of a rule of the business-layer models (serviceTicket,
warehouseInventory, returnAuthorization, serviceQualityReport) put into the
example message (examples/*.json), and the rule and place the reference
packs must report.  Rerun after changing the examples:
    python3 tests/cases/business/generate.py"""
import copy, json, os
OUT = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(OUT, '..', '..', '..')
EXAMPLES = {}


def example(name):
    if name not in EXAMPLES:
        with open(os.path.join(SRC, 'examples', name), encoding='utf-8') as f:
            EXAMPLES[name] = json.load(f)
    return copy.deepcopy(EXAMPLES[name])


def case(name, base, mutate, findings, complete=True):
    """mutate(msg) changes the parsed example in place; findings are
    (rule, path) pairs that must all be reported (and, with complete, no
    other error)."""
    msg = example(base)
    mutate(msg)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'message.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(msg, ensure_ascii=False, indent=2) + "\n")
    exp = {"valid": not findings, "findings": [{"rule": r, "path": p} for r, p in findings]}
    if not findings:
        exp["exit"] = 0
    if not complete:
        exp["complete"] = False
    with open(os.path.join(d, 'expected.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(exp, ensure_ascii=False, indent=2) + "\n")


def setter(*pairs):
    """A mutation setting each (path tuple, value); value None deletes."""
    def mutate(msg):
        for path, value in pairs:
            node = msg
            for key in path[:-1]:
                node = node[key]
            if value is None:
                del node[path[-1]]
            else:
                node[path[-1]] = value
    return mutate


T = 'service-ticket.json'
# ---- serviceTicket ----
case('ticket-valid', T, setter(), [])
case('ticket-number-too-long', T, setter((('ticketNo',), 'TK' + '0' * 29)), [("TK-001", "/ticketNo")])
case('ticket-order-number-space', T, setter((('orderNo',), 'CBO 2026')), [("TK-002", "/orderNo")])
case('ticket-channel-fax', T, setter((('channel',), 'fax')), [("TK-003", "/channel")])
case('ticket-category-unknown', T, setter((('category',), 'PRAISE')), [("TK-004", "/category")])
case('ticket-priority-p5', T, setter((('priority',), 'P5')), [("TK-005", "/priority")])
case('ticket-language-underscore', T, setter((('language',), 'zh_CN')), [("TK-006", "/language"), ("TK-007", "/language")])
case('ticket-language-not-iso639', T, setter((('language',), 'xq-CN')), [("TK-007", "/language")])
case('ticket-language-three-letter-valid', T, setter((('language',), 'haw-US')), [])
# without an offset the instant is read as UTC, so the deadline arithmetic fails too
case('ticket-created-without-offset', T, setter((('createdAt',), '2026-12-01T09:12:00')),
     [("TK-010", "/createdAt"), ("TK-013", "/firstResponseDue")])
case('ticket-due-not-priority-sla', T, setter((('firstResponseDue',), '2026-12-01T10:12:00+08:00')),
     [("TK-013", "/firstResponseDue")])
case('ticket-due-p1-one-hour-valid', T, setter((('priority',), 'P1'), (('firstResponseDue',), '2026-12-01T02:12:00Z')), [])
case('ticket-due-p4-across-offsets-valid', T, setter((('priority',), 'P4'), (('firstResponseDue',), '2026-12-04T10:12:00+09:00')), [])
case('ticket-due-p4-given-p3-sla', T, setter((('priority',), 'P4'), (('firstResponseDue',), '2026-12-02T09:12:00+08:00')),
     [("TK-013", "/firstResponseDue")])
case('ticket-response-after-due', T, setter((('firstResponseAt',), '2026-12-01T13:12:01+08:00')), [("TK-014", "/firstResponseAt")])
case('ticket-response-after-due-breach-declared', T, setter((('firstResponseAt',), '2026-12-01T13:12:01+08:00'), (('slaBreached',), True)), [])
case('ticket-response-bad-date', T, setter((('firstResponseAt',), '2026-12-32T09:15:30+08:00')), [("TK-012", "/firstResponseAt")])
case('ticket-history-empty', T, setter((('history',), []), (('status',), 'OPEN'), (('odr',), None)), [("TK-020", "/history")])
case('ticket-history-unknown-state', T, setter((('history', 3, 'status'), 'WAITING')), [("TK-021", "/history/3/status")])
case('ticket-history-skips-agent', T, setter((('history', 1, 'status'), 'AWAITING_CUSTOMER')), [("TK-024", "/history/1/status")])
case('ticket-history-starts-late', T, setter((('history', 0, 'status'), 'BOT_HANDLING'), (('history', 1, 'status'), 'RESOLVED'),
                                             (('history', 2), None)),
     [("TK-024", "/history/0/status")], complete=False)
case('ticket-history-after-closed', T, lambda m: m['history'].extend([
    {"status": "CLOSED", "time": "2026-12-20T10:00:00+08:00", "actor": "agent"},
    {"status": "RESOLVED", "time": "2026-12-21T10:00:00+08:00", "actor": "agent"}]) or m.update(status='RESOLVED'),
     [("TK-024", "/history/6/status")])
case('ticket-history-out-of-order', T, setter((('history', 3, 'time'), '2026-12-01T09:10:00+08:00')), [("TK-023", "/history/3/time")])
case('ticket-handoff-missing', T, setter((('history', 2, 'handoff'), None)), [("TK-030", "/history/2")])
case('ticket-handoff-without-reason', T, setter((('history', 2, 'handoff', 'reason'), None)), [("TK-031", "/history/2/handoff")])
case('ticket-handoff-empty-reason', T, setter((('history', 2, 'handoff', 'reason'), '')), [("TK-031", "/history/2/handoff")])
case('ticket-agent-direct-no-handoff-needed', T, lambda m: (m['history'].pop(1), m['history'][1].pop('handoff')), [])
case('ticket-status-not-last', T, setter((('status',), 'AWAITING_CUSTOMER')), [("TK-041", "/status")])
case('ticket-odr-missing', T, setter((('odr',), None)), [("TK-042", "")])
case('ticket-message-zh-without-han', T, setter((('messages', 0, 'text'), 'mianshuang baozhuang posun')),
     [("TK-051", "/messages/0/text")])
case('ticket-message-not-nfc', T, setter((('messages', 1, 'lang'), 'en'), (('messages', 1, 'text'), 'Cafe\u0301 order received')),
     [("TK-050", "/messages/1/text")])
case('ticket-message-bidi-override', T, setter((('messages', 1, 'text'), '您好\u202e，请上传照片。')),
     [("TK-050", "/messages/1/text")])
case('ticket-message-too-long', T, setter((('messages', 1, 'text'), '好' * 5001)), [("TK-050", "/messages/1/text")])
case('ticket-message-5000-valid', T, setter((('messages', 1, 'text'), '好' * 5000)), [])
case('ticket-odr-case-number', T, setter((('odr', 'caseNo'), 'ODR-26-000314')), [("TK-060", "/odr/caseNo")])
case('ticket-odr-stage-unknown', T, setter((('odr', 'stage'), 'MEDIATION')), [("TK-061", "/odr/stage")])
case('ticket-odr-response-before-submission', T, setter((('odr', 'responseDue'), '2026-12-03T08:00:00Z')),
     [("TK-064", "/odr/responseDue")])
case('ticket-odr-response-at-submission', T, setter((('odr', 'responseDue'), '2026-12-03T08:40:00Z')),
     [("TK-064", "/odr/responseDue")])
case('ticket-odr-claim-three-decimals', T, setter((('odr', 'claim', 'value'), '150.001')), [("TK-065", "/odr/claim/value")])
case('ticket-odr-claim-currency', T, setter((('odr', 'claim', 'currency'), 'RMB')), [("TK-066", "/odr/claim/currency")])
case('ticket-odr-respondent-uscc', T, setter((('odr', 'respondent', 'uscc'), '91330106MA2H3K4L5M')),
     [("TK-067", "/odr/respondent/uscc")])
case('ticket-odr-evidence-hash-upper', T, setter((('odr', 'evidence', 0, 'sha256'),
                                                  '9F2C4E1B7A8D3C6E5F4A1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3E4F5A6')),
     [("TK-068", "/odr/evidence/0/sha256")])
case('ticket-odr-evidence-hash-short', T, setter((('odr', 'evidence', 0, 'sha256'), '9f2c4e1b')), [("TK-068", "/odr/evidence/0/sha256")])
case('ticket-odr-evidence-media-type', T, setter((('odr', 'evidence', 0, 'mediaType'), 'application/x-msdownload')),
     [("TK-069", "/odr/evidence/0/mediaType")])

W = 'warehouse-inventory.json'
# ---- warehouseInventory ----
case('warehouse-valid', W, setter(), [])
case('warehouse-code-lower-case', W, setter((('warehouse', 'code'), 'ow-de-fra-01')), [("WH-001", "/warehouse/code")])
case('warehouse-code-too-short', W, setter((('warehouse', 'code'), 'OW')), [("WH-001", "/warehouse/code")])
case('warehouse-country-unknown', W, setter((('warehouse', 'country'), 'XD')), [("WH-002", "/warehouse/country"), ("WH-004", "/warehouse/unlocode")])
case('warehouse-unlocode-bad', W, setter((('warehouse', 'unlocode'), 'DEFR1')), [("WH-003", "/warehouse/unlocode")])
case('warehouse-unlocode-other-country', W, setter((('warehouse', 'unlocode'), 'NLRTM')), [("WH-004", "/warehouse/unlocode")])
case('warehouse-operator-lei', W, setter((('warehouse', 'operator', 'lei'), '5493001KJTIIGC8Y1R21')), [("WH-005", "/warehouse/operator/lei")])
case('warehouse-snapshot-without-offset', W, setter((('snapshotTime',), '2026-12-01T00:00:00')), [("WH-010", "/snapshotTime")], complete=False)
case('warehouse-item-gtin', W, setter((('items', 1, 'gtin'), '4901234567890')), [("WH-022", "/items/1/gtin")])
case('warehouse-item-hscode', W, setter((('items', 0, 'hsCode'), '33049')), [("WH-023", "/items/0/hsCode")])
case('warehouse-item-unit', W, setter((('items', 0, 'unit'), 'PCS')), [("WH-024", "/items/0/unit")])
case('warehouse-onhand-negative', W, setter((('items', 0, 'onHand'), '-120')), [("WH-025", "/items/0/onHand")])
case('warehouse-onhand-fraction', W, setter((('items', 1, 'onHand'), '40.0')), [("WH-025", "/items/1/onHand")])
case('warehouse-reserved-number', W, setter((('items', 0, 'reserved'), 15)), [("WH-026", "/items/0/reserved")], complete=False)
case('warehouse-reserved-over-onhand', W, setter((('items', 1, 'reserved'), '41'), (('items', 1, 'available'), '-1')),
     [("WH-030", "/items/1/reserved"), ("WH-027", "/items/1/available")])
case('warehouse-available-not-difference', W, setter((('items', 0, 'available'), '120')), [("WH-031", "/items/0/available")])
case('warehouse-damaged-over-onhand', W, setter((('items', 0, 'damaged'), '121')), [("WH-032", "/items/0/damaged")])
case('warehouse-damaged-bad', W, setter((('items', 0, 'damaged'), 'two')), [("WH-028", "/items/0/damaged")])
case('warehouse-expiry-before-snapshot', W, setter((('items', 1, 'expiryDate'), '2026-11-30')), [("WH-034", "/items/1/expiryDate")])
case('warehouse-expiry-on-snapshot-date-valid', W, setter((('items', 1, 'expiryDate'), '2026-12-01')), [])
case('warehouse-expiry-not-a-date', W, setter((('items', 1, 'expiryDate'), '2027-02-29')), [("WH-033", "/items/1/expiryDate")])
case('warehouse-movement-type', W, setter((('movements', 0, 'type'), 'RETURN')), [("WH-040", "/movements/0/type")])
case('warehouse-movement-unknown-sku', W, setter((('movements', 1, 'sku'), 'JP-TEA-200')), [("WH-041", "/movements/1/sku")])
case('warehouse-movement-quantity-zero', W, setter((('movements', 0, 'quantity'), '0')), [("WH-042", "/movements/0/quantity")])
case('warehouse-movement-after-snapshot', W, setter((('movements', 1, 'time'), '2026-12-01T00:00:01+01:00')), [("WH-043", "/movements/1/time")])
case('warehouse-movement-at-snapshot-other-offset-valid', W, setter((('movements', 1, 'time'), '2026-11-30T23:00:00Z')), [])

R = 'return-authorization.json'
# ---- returnAuthorization ----
case('return-valid', R, setter(), [])
case('return-rma-number', R, setter((('rmaNo',), 'RMA/2026/19')), [("RMA-001", "/rmaNo")])
case('return-order-number-missing', R, setter((('orderNo',), None)), [("RMA-002", "")])
case('return-ticket-number', R, setter((('ticketNo',), '')), [("RMA-003", "/ticketNo")])
case('return-reason-unknown', R, setter((('reason',), 'CHANGED_MIND')), [("RMA-005", "/reason")])
case('return-resolution-unknown', R, setter((('resolution',), 'STORE_CREDIT')), [("RMA-006", "/resolution")])
case('return-quantity-zero', R, setter((('lines', 0, 'quantity'), '0'), (('lines', 0, 'refundAmount'), '0.00'), (('refundTotal',), '0.00')),
     [("RMA-012", "/lines/0/quantity")])
case('return-quantity-over-ordered', R, setter((('lines', 0, 'quantity'), '3')), [("RMA-014", "/lines/0/quantity")])
case('return-quantity-all-ordered-valid', R, setter((('lines', 0, 'quantity'), '2'), (('lines', 0, 'refundAmount'), '300.00'),
                                                    (('refundTotal',), '300.00')), [])
case('return-refund-over-line-value', R, setter((('lines', 0, 'refundAmount'), '150.01'), (('refundTotal',), '150.01')),
     [("RMA-017", "/lines/0/refundAmount")])
case('return-refund-beyond-minor-unit', R, setter((('lines', 0, 'refundAmount'), '149.995'), (('refundTotal',), '149.995')),
     [("RMA-016", "/lines/0/refundAmount"), ("RMA-020", "/refundTotal")])
case('return-partial-refund-valid', R, setter((('resolution',), 'PARTIAL_REFUND'), (('lines', 0, 'refundAmount'), '75.00'),
                                              (('refundTotal',), '75.00')), [])
case('return-total-not-sum', R, setter((('refundTotal',), '300.00')), [("RMA-021", "/refundTotal")])
case('return-total-two-lines', R, lambda m: (m['lines'].append({"lineNo": 2, "gtin": "4901234567894", "quantity": "2",
                                                                   "orderedQuantity": "2", "unitPrice": "44.25", "refundAmount": "88.50"}),
                                               m.update(refundTotal='238.50')), [])
case('return-total-two-lines-short', R, lambda m: (m['lines'].append({"lineNo": 2, "gtin": "4901234567894", "quantity": "2",
                                                                         "orderedQuantity": "2", "unitPrice": "44.25", "refundAmount": "88.50"}),
                                                     m.update(refundTotal='150.00')), [("RMA-021", "/refundTotal")])
case('return-waybill-check-digit', R, setter((('returnShipment', 'waybillNo'), 'RR202612046CN')), [("RMA-030", "/returnShipment/waybillNo")])

Q = 'service-quality-report.json'
# ---- serviceQualityReport ----
case('quality-valid', Q, setter(), [])
case('quality-period-end-before-start', Q, setter((('period', 'to'), '2026-10-31')), [("SQR-002", "/period/to")])
case('quality-period-one-day-valid', Q, setter((('period', 'to'), '2026-11-01')), [])
case('quality-period-start-not-a-date', Q, setter((('period', 'from'), '2026-11-31')), [("SQR-001", "/period/from")])
case('quality-module-unknown', Q, setter((('module',), 'marketing')), [("SQR-003", "/module")])
case('quality-provider-uscc', Q, setter((('provider', 'uscc'), '91330106MA2H3K4L5M')), [("SQR-004", "/provider/uscc")])
case('quality-kpi-unknown', Q, setter((('metrics', 2, 'kpi'), 'RETURN_RATE')), [("SQR-010", "/metrics/2/kpi")])
case('quality-numerator-over-denominator', Q, setter((('metrics', 2, 'numerator'), '10001')), [("SQR-023", "/metrics/2/numerator")])
case('quality-numerator-fraction', Q, setter((('metrics', 0, 'numerator'), '9731.0')), [("SQR-020", "/metrics/0/numerator")])
case('quality-denominator-zero', Q, setter((('metrics', 1, 'denominator'), '0')), [("SQR-021", "/metrics/1/denominator")], complete=False)
case('quality-rate-without-denominator', Q, setter((('metrics', 0, 'denominator'), None)), [("SQR-022", "/metrics/0")])
case('quality-rate-above-one', Q, setter((('metrics', 0, 'numerator'), '10000'), (('metrics', 0, 'value'), '1.0001')),
     [("SQR-024", "/metrics/0/value"), ("SQR-025", "/metrics/0/value")])
case('quality-rate-not-ratio', Q, setter((('metrics', 0, 'value'), '0.9730')), [("SQR-025", "/metrics/0/value")])
# 1873 / 1902 = 0.98475...: half-up gives 0.9848, truncation would give 0.9847
case('quality-rate-truncated-not-rounded', Q, setter((('metrics', 1, 'value'), '0.9847')), [("SQR-025", "/metrics/1/value")])
# 1 / 8 = 0.125 exactly: 4 decimals need no rounding; 1 / 16 = 0.0625; 1 / 32 = 0.03125 rounds half up to 0.0313
case('quality-rate-exact-half-up-valid', Q, setter((('metrics', 2, 'numerator'), '1'), (('metrics', 2, 'denominator'), '32'),
                                                   (('metrics', 2, 'value'), '0.0313')), [])
case('quality-rate-half-even-refused', Q, setter((('metrics', 2, 'numerator'), '1'), (('metrics', 2, 'denominator'), '32'),
                                                 (('metrics', 2, 'value'), '0.0312')), [("SQR-025", "/metrics/2/value")])
case('quality-average-days-not-a-rate-valid', Q, setter((('metrics', 3, 'value'), '12.75')), [])
case('quality-value-negative', Q, setter((('metrics', 3, 'value'), '-4.6')), [("SQR-011", "/metrics/3/value")])
