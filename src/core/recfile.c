/*
 * recfile.c - loading a recording for a command, with its messages.
 */
#include <stdio.h>
#include "record.h"
#include "recfile.h"

/* Load path into s and tl; -1 (message printed, nothing to free) or 0. */
int recfile_load(const char *path, struct session *s, struct timeline *tl)
{
	char err[512] = "";
	if (replay_load(path, s, tl, err, sizeof err) < 0) {
		if (!err[0])
			snprintf(err, sizeof err, "%s: cannot read the recording", path);
		fprintf(stderr, "concviz: %s\n", err);
		timeline_free(tl);
		session_free(s);
		return -1;
	}
	if (err[0])
		fprintf(stderr, "concviz: note: %s\n", err);
	return 0;
}
