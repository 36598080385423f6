/* state.h - status state machines a pack defines ("statemachines": states,
 * terminal states, allowed transitions, mappings from external status code
 * sets) and the check kinds that hold messages to them: "stateMachine"
 * (a sequence of events, or one status against the caller's previous
 * state) and "chronological" (events in time order).  Internal. */
#ifndef CBEC_STATE_H
#define CBEC_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "pack/pack.h"

typedef struct cbec_statemachine cbec_statemachine;

/* Compile a pack's "statemachines" object into c->pack->statemachines. */
bool cbec__compile_statemachines(cbec_compiler *c, const cbec_node *n);
/* Free every machine of a pack (the map itself too). */
void cbec__statemachines_free(cbec_strmap *machines);
/* A machine of the pack by name, NULL when unknown. */
const cbec_statemachine *cbec__pack_statemachine(const struct cbec_pack *p, const char *name, size_t len);

/* Look a state up by name: its index, or -1 when the machine has none. */
int cbec__statemachine_state(const cbec_statemachine *m, const char *name, size_t len);
/* Map an external status code through mapping map: the state's index;
 * -2 when the mapping maps the code to no state (an informational
 * status); -1 when the code is unknown.  map NULL: the name itself. */
int cbec__statemachine_map(const cbec_statemachine *m, const char *map, const char *code, size_t len);
/* The name of state index state, NULL when out of range (EDI bindings turn
 * mapped codes into state names). */
const char *cbec__statemachine_state_name(const cbec_statemachine *m, int state);
/* True when the machine has a mapping of that name. */
bool cbec__statemachine_has_mapping(const cbec_statemachine *m, const char *map);
/* May state `to` follow state `from`? */
bool cbec__statemachine_allows(const cbec_statemachine *m, int from, int to);
bool cbec__statemachine_terminal(const cbec_statemachine *m, int state);

#endif /* CBEC_STATE_H */
