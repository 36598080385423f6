/* test-rules-state.c - status state machines in packs: definitions the
 * loader rejects, sequences of events, a single status against the
 * caller's previous state, external code mappings and time order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbecstd.h"

/* A pack with one state machine (machine_json) and the rules rules_json. */
static char *make_pack(const char *machine_json, const char *rules_json)
{
    static const char *fmt =
        "{\"cbecstd_pack\": 1, \"id\": \"T-SM\", \"version\": \"1.0.0\", \"status\": \"active\","
        " \"module\": \"logistics\", \"title\": {\"zh-CN\": \"状态机测试\", \"en\": \"State machine test\"},"
        " \"statemachines\": {\"ship\": %s},"
        " \"messages\": {\"st\": {\"json\": {\"detect\": {\"path\": \"/t\", \"equals\": \"st\"}}, \"rules\": [%s]}}}";
    size_t n = strlen(fmt) + strlen(machine_json) + strlen(rules_json) + 1;
    char *p = malloc(n);
    snprintf(p, n, fmt, machine_json, rules_json);
    return p;
}

static const char *machine =
    "{\"states\": [\"NEW\", \"MOVING\", \"HELD\", \"DONE\", \"LOST\", \"GONE\"],"
    " \"terminal\": [\"DONE\", \"GONE\"],"
    " \"transitions\": {\"NEW\": [\"MOVING\", \"GONE\"], \"MOVING\": [\"MOVING\", \"HELD\", \"DONE\"],"
    "                   \"HELD\": [\"*non-terminal\"], \"LOST\": [\"*\"]},"
    " \"mappings\": {\"edi\": {\"codes\": {\"10\": \"NEW\", \"20\": \"MOVING\", \"30\": \"DONE\", \"99\": null}}}}";

static const char *rules =
    "{\"id\": \"SEQ\", \"path\": \"/events\", \"stateMachine\": {\"machine\": \"ship\", \"state\": \"s\", \"time\": \"at\"}},"
    "{\"id\": \"ORDER\", \"path\": \"/events\", \"chronological\": {\"time\": \"at\"}},"
    "{\"id\": \"ONE\", \"path\": \"/status\", \"stateMachine\": {\"machine\": \"ship\"}},"
    "{\"id\": \"EDI\", \"path\": \"/codes\", \"stateMachine\": {\"machine\": \"ship\", \"state\": \"\", \"mapping\": \"edi\"}}";

static cbec_registry *reg;
static cbec_validator *val;

static void setup(void)
{
    char *p = make_pack(machine, rules);
    cbec_pack *pk = NULL;
    cbec_error *err = NULL;
    int st = cbec_pack_load_buffer(&pk, p, strlen(p), "sm.pack.json", NULL, NULL, &err);
    ck_assert_msg(st == CBEC_OK, "pack: %s", err ? cbec_error_message(err) : cbec_strerror(st));
    free(p);
    ck_assert_int_eq(cbec_registry_new(&reg), CBEC_OK);
    ck_assert_int_eq(cbec_registry_add(reg, pk, NULL), CBEC_OK);
    cbec_pack_free(pk);
    ck_assert_int_eq(cbec_validator_new(&val), CBEC_OK);
}

static void teardown(void)
{
    cbec_validator_free(val);
    cbec_registry_free(reg);
}

/* Validate and describe the findings as "RULE@path;..." in report order. */
static const char *run(const char *msg)
{
    static char out[2048];
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_JSON, msg, strlen(msg), &r), CBEC_OK);
    out[0] = '\0';
    for (size_t i = 0; i < cbec_report_count(r); i++) {
        size_t used = strlen(out);
        snprintf(out + used, sizeof out - used, "%s%s@%s", used ? ";" : "", cbec_finding_rule(r, i),
                 cbec_finding_path(r, i));
    }
    cbec_report_free(r);
    return out;
}

static const char *reason_of(const char *msg, const char *rule)
{
    static char out[512];
    cbec_report *r = NULL;
    ck_assert_int_eq(cbec_validate(val, reg, NULL, CBEC_FORMAT_JSON, msg, strlen(msg), &r), CBEC_OK);
    out[0] = '\0';
    for (size_t i = 0; i < cbec_report_count(r); i++)
        if (!strcmp(cbec_finding_rule(r, i), rule))
            snprintf(out, sizeof out, "%s", cbec_finding_message(r, i, "en"));
    cbec_report_free(r);
    return out;
}

START_TEST(test_state_sequence_follows_transitions)
{
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\"}, {\"s\": \"MOVING\"}, {\"s\": \"MOVING\"},"
                         " {\"s\": \"HELD\"}, {\"s\": \"NEW\"}, {\"s\": \"GONE\"}]}"), "");
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\"}, {\"s\": \"DONE\"}]}"), "SEQ@/events/1/s");
    ck_assert_str_eq(reason_of("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\"}, {\"s\": \"DONE\"}]}", "SEQ"),
                     "status \"DONE\" is not allowed here: DONE cannot follow NEW");
    /* HELD may go to any non-terminal state, not to a terminal one */
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"HELD\"}, {\"s\": \"GONE\"}]}"), "SEQ@/events/1/s");
    /* "*" allows terminal states too */
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"LOST\"}, {\"s\": \"GONE\"}]}"), "");
}
END_TEST

START_TEST(test_state_nothing_after_terminal_duplicates_tolerated)
{
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"MOVING\", \"at\": \"2026-01-01T10:00:00+08:00\"},"
                         " {\"s\": \"DONE\", \"at\": \"2026-01-01T11:00:00+08:00\"},"
                         " {\"s\": \"DONE\", \"at\": \"2026-01-01T03:00:00Z\"},"
                         " {\"s\": \"MOVING\", \"at\": \"2026-01-01T12:00:00+08:00\"}]}"),
                     "SEQ@/events/3/s");
    ck_assert_str_eq(reason_of("{\"t\": \"st\", \"events\": [{\"s\": \"DONE\"}, {\"s\": \"MOVING\"}]}", "SEQ"),
                     "status \"MOVING\" is not allowed here: nothing may follow the terminal state DONE");
    /* the same status at another instant is a step, not a duplicate */
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"DONE\", \"at\": \"2026-01-01T11:00:00Z\"},"
                         " {\"s\": \"DONE\", \"at\": \"2026-01-01T12:00:00Z\"}]}"), "SEQ@/events/1/s");
}
END_TEST

START_TEST(test_state_unknown_status_breaks_the_chain)
{
    /* an unknown canonical name is the code list's business: no finding, no judgement of the next step */
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\"}, {\"s\": \"FLYING\"}, {\"s\": \"DONE\"}]}"), "");
}
END_TEST

START_TEST(test_state_previous_state_from_the_caller)
{
    const char *msg = "{\"t\": \"st\", \"events\": [{\"s\": \"DONE\"}]}";
    ck_assert_str_eq(run(msg), "");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, "MOVING"), CBEC_OK);
    ck_assert_str_eq(run(msg), "");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, "NEW"), CBEC_OK);
    ck_assert_str_eq(run(msg), "SEQ@/events/0/s");
    ck_assert_str_eq(reason_of(msg, "SEQ"),
                     "status \"DONE\" is not allowed here: DONE cannot follow NEW (the previous state given by the caller)");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, "GONE"), CBEC_OK);
    ck_assert_str_eq(run(msg), "SEQ@/events/0/s");
    /* an unknown previous state is reported once, at the checked node */
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, "TELEPORTED"), CBEC_OK);
    ck_assert_str_eq(run(msg), "SEQ@/events");
    /* a single status (no array) is checked against the previous state */
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, "HELD"), CBEC_OK);
    ck_assert_str_eq(run("{\"t\": \"st\", \"status\": \"MOVING\"}"), "");
    ck_assert_str_eq(run("{\"t\": \"st\", \"status\": \"DONE\"}"), "ONE@/status");
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, NULL), CBEC_OK);
    ck_assert_str_eq(run("{\"t\": \"st\", \"status\": \"DONE\"}"), "");
}
END_TEST

START_TEST(test_state_external_codes_map_onto_states)
{
    /* 99 changes no state; 10 -> NEW, 20 -> MOVING, 30 -> DONE */
    ck_assert_str_eq(run("{\"t\": \"st\", \"codes\": [\"10\", \"99\", \"20\", \"99\", \"30\"]}"), "");
    ck_assert_str_eq(run("{\"t\": \"st\", \"codes\": [\"10\", \"30\"]}"), "EDI@/codes/1");
    ck_assert_str_eq(run("{\"t\": \"st\", \"codes\": [\"10\", \"77\"]}"), "EDI@/codes/1");
    ck_assert_str_eq(reason_of("{\"t\": \"st\", \"codes\": [\"77\"]}", "EDI"),
                     "status \"77\" is not allowed here: the code is not in the mapping edi of state machine ship");
    /* the caller's previous state may be given as an external code too */
    ck_assert_int_eq(cbec_validator_set_option(val, CBEC_VOPT_PREVIOUS_STATE, "30"), CBEC_OK);
    ck_assert_str_eq(run("{\"t\": \"st\", \"codes\": [\"20\"]}"), "EDI@/codes/0");
}
END_TEST

START_TEST(test_state_events_in_time_order_across_offsets)
{
    /* 09:00+08:00 is 01:00Z; 08:30+07:00 is 01:30Z: in order, though the text is not */
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\", \"at\": \"2026-01-01T09:00:00+08:00\"},"
                         " {\"s\": \"MOVING\", \"at\": \"2026-01-01T08:30:00+07:00\"}]}"), "");
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\", \"at\": \"2026-01-01T09:00:00+08:00\"},"
                         " {\"s\": \"MOVING\", \"at\": \"2026-01-01T09:30:00+09:00\"},"
                         " {\"s\": \"MOVING\", \"at\": \"2026-01-01T02:00:00Z\"}]}"), "ORDER@/events/1/at");
    /* equal instants are in order unless strict; unparseable times are skipped */
    ck_assert_str_eq(run("{\"t\": \"st\", \"events\": [{\"s\": \"NEW\", \"at\": \"2026-01-01T01:00:00Z\"},"
                         " {\"s\": \"MOVING\", \"at\": \"soon\"},"
                         " {\"s\": \"MOVING\", \"at\": \"2026-01-01T09:00:00+08:00\"}]}"), "");
}
END_TEST

static void expect_pack_error(const char *machine_json, const char *rules_json, const char *needle)
{
    char *p = make_pack(machine_json, rules_json);
    cbec_pack *pk = NULL;
    cbec_error *err = NULL;
    ck_assert_int_eq(cbec_pack_load_buffer(&pk, p, strlen(p), "bad.pack.json", NULL, NULL, &err), CBEC_EPACK);
    ck_assert_msg(strstr(cbec_error_message(err), needle), "\"%s\" not in \"%s\"", needle, cbec_error_message(err));
    cbec_error_free(err);
    free(p);
}

START_TEST(test_state_bad_definitions_are_load_errors)
{
    expect_pack_error("{\"states\": [\"A\", \"A\"], \"transitions\": {}}", "", "listed twice");
    expect_pack_error("{\"states\": [\"A\", \"B\"], \"terminal\": [\"B\"], \"transitions\": {\"A\": [\"C\"]}}", "",
                      "is not a state of machine ship");
    expect_pack_error("{\"states\": [\"A\", \"B\"], \"terminal\": [\"B\"], \"transitions\": {\"A\": [\"B\"], \"B\": [\"A\"]}}",
                      "", "B is terminal");
    expect_pack_error("{\"states\": [\"A\", \"B\"], \"transitions\": {\"A\": [\"B\"]}}", "",
                      "state B is neither terminal nor given transitions");
    expect_pack_error("{\"states\": [\"A\"], \"transitions\": {\"A\": []}, \"mappings\": {\"m\": {\"codes\": {\"1\": \"Z\"}}}}",
                      "", "must map to a state");
    expect_pack_error("{\"states\": [\"A\"], \"transitions\": {\"A\": []}, \"colour\": \"red\"}", "", "unknown key");
    expect_pack_error("{\"states\": [\"A\"], \"transitions\": {\"A\": []}}",
                      "{\"id\": \"X\", \"path\": \"/s\", \"stateMachine\": {\"machine\": \"boat\"}}",
                      "unknown state machine \"boat\"");
    expect_pack_error("{\"states\": [\"A\"], \"transitions\": {\"A\": []}}",
                      "{\"id\": \"X\", \"path\": \"/s\", \"stateMachine\": {\"machine\": \"ship\", \"mapping\": \"x12\"}}",
                      "has no mapping \"x12\"");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("state");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_state_sequence_follows_transitions);
    tcase_add_test(tc, test_state_nothing_after_terminal_duplicates_tolerated);
    tcase_add_test(tc, test_state_unknown_status_breaks_the_chain);
    tcase_add_test(tc, test_state_previous_state_from_the_caller);
    tcase_add_test(tc, test_state_external_codes_map_onto_states);
    tcase_add_test(tc, test_state_events_in_time_order_across_offsets);
    tcase_add_test(tc, test_state_bad_definitions_are_load_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
