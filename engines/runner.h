/*
 * runner.h - one live run: origin, engine, ring, session, timeline, recorder.
 *
 * Used by the headless `run --no-ui`, by `bench`, and by the UI (which starts
 * a new runner for every mode switch). The runner owns everything of its run;
 * its consumer (the thread that calls runner_drain) owns the timeline.
 * The embedded origin is started once per process and shared by runs.
 */
#ifndef CV_RUNNER_H
#define CV_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include "params.h"
#include "session.h"
#include "timeline.h"

struct engine;
struct recorder;

struct runner {
	struct cv_params params;   /* copy; strings owned by session.params */
	struct session session;
	struct timeline tl;
	struct engine *engine;
	struct recorder *rec;      /* NULL unless recording */
	struct cv_event *log;      /* every event of this run, for recording on demand */
	size_t nlog, log_cap;
	bool finished;             /* engine done and ring drained */
	uint64_t deadlock_seen;    /* clock_ns() when the timeline's deadlock was seen, 0 = not */
	bool deadlock_broken;      /* ... and the engine was told to end it */
	int exit_status;           /* 0, or 1 when the engine reported a runtime failure */
	char err[256];             /* the runtime failure, one line */
	int start_error;           /* after a failed runner_start: the engine's
	                              negative errno (0: the failure was not the
	                              engine's); a traced command not found is
	                              -ENOENT, not executable -EACCES */
};

/* Start a run of p (the embedded origin is started on first use when p has no
 * URLs). On failure returns -1 with a one-line message in err (what was wrong
 * and what to do), r->start_error set, and nothing left running. A trace
 * (MODE_TRACE) gets the origin too, for CONCVIZ_ORIGIN, unless it attaches. */
int runner_start(struct runner *r, const struct cv_params *p, char *err, size_t errlen);

/* Move every event waiting in the ring into the timeline (and the recorder);
 * returns how many. Never blocks. Sets r->finished when the run is over.
 * When the timeline has found a deadlock in a built-in workload, it says so
 * at once (MARK_DEADLOCK), lets the deadlock stand for a second so that it
 * can be seen, then ends the run: the cycle's tasks fail FAIL_DEADLOCK,
 * the rest are cancelled (engine_break_deadlock). */
size_t runner_drain(struct runner *r);

/* Start recording this run (from its first event) to path; -1 with err set
 * when the file exists (and !force) or cannot be written. */
int runner_record(struct runner *r, const char *path, bool force, char *err, size_t errlen);

/* Stop recording, flushing and closing the file; returns 0 or -1 (err set). */
int runner_record_stop(struct runner *r, char *err, size_t errlen);

/* Cancel the run: tasks not finished fail as cancelled; waits for threads,
 * reaps children. Safe to call on a finished run. */
void runner_stop(struct runner *r);

/* Stop if needed, then free everything the run owns. */
void runner_free(struct runner *r);

/* Stop the process-wide embedded origin, if one was started (at exit). */
void runner_shutdown(void);

#endif
