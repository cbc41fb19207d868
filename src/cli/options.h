/*
 * options.h - the `run` command line (also used by `bench`) into a cv_params.
 *
 * Options: --mode --workload --workers --tasks --url (repeatable) --urls
 * --latency --jitter --size --fail-rate --timeout --cpu-size --gil
 * --switch-interval --no-ui --json --record --force --lock --lock-order,
 * each as "--opt V" or "--opt=V". Numbers are strict: the whole text must
 * be a number in range.
 */
#ifndef CV_OPTIONS_H
#define CV_OPTIONS_H

#include <stddef.h>
#include "params.h"

/* Fill p from params_default() and argv[1..argc) (argv[0] is the subcommand
 * name). Returns 0, or 2 (usage) with one line in err such as
 * "concviz: --tasks wants a whole number from 1 to 100000 (got 'abc')";
 * on 2, p holds the defaults and owns nothing. On 0 the caller frees p with
 * params_free. --json implies --no-ui; without --tasks the task count is
 * the workload's default (params_default_tasks). --lock needs --workload
 * race and --lock-order --workload deadlock (else 2). */
int params_parse(struct cv_params *p, int argc, char **argv, char *err, size_t errlen);

#endif
