/*
 * recfile.h - loading a recording for a command (show, stats, export), with
 * the messages a user sees: one error line, or a note when it was cut short.
 */
#ifndef CV_RECFILE_H
#define CV_RECFILE_H

#include "session.h"
#include "timeline.h"

/* Load path into s and tl (replay_load). On failure prints
 * "concviz: FILE: problem" on stderr, frees s and tl and returns -1; a
 * recording cut short loads its complete chunks, prints a note and returns 0.
 * On success the caller frees s and tl. */
int recfile_load(const char *path, struct session *s, struct timeline *tl);

#endif
