/*
 * app.h - the interactive terminal UI: live runs and replays.
 */
#ifndef CV_APP_H
#define CV_APP_H

#include "params.h"

/* Open the UI and start a live run of p straight away; returns the exit
 * status (0 quit, 1 runtime failure, 2 usage: e.g. no terminal). */
int app_live(const struct cv_params *p);

/* Open the UI on a traced program (p->mode MODE_TRACE: p->argv, or
 * p->attach_pid); returns the program's exit status when it ended (its
 * exit code, or 128 + signal), 0 after detaching, 127/126 when the command
 * cannot run, 1 on a runtime failure, 2 without a terminal. */
int app_trace(const struct cv_params *p);

/* Open the UI on a recording, playing at speed (1.0 = real time). */
int app_replay(const char *path, double speed);

#endif
