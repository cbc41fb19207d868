/*
 * cmd_export.c - `concviz export FILE --format chrome|csv [-o OUT] [--force]`:
 * a recording converted for Perfetto / chrome://tracing or a spreadsheet.
 *
 * The recording is loaded first (nothing is created when it cannot be
 * read), then written to OUT, or to stdout without -o. An existing OUT is
 * kept unless --force; a partly written OUT is removed when writing fails.
 * A recording cut short exports its complete chunks with a note on stderr;
 * a damaged one is an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "export.h"
#include "recfile.h"
#include "session.h"
#include "timeline.h"

static const char usage_line[] =
	"usage: concviz export FILE --format chrome|csv [-o OUT] [--force]\n";

struct export_args {
	const char *in, *out, *format;
	bool force;
};

/* Return the value of option opt at argv[*i] ("--opt V" or "--opt=V"), or
 * NULL when argv[*i] is not that option; *missing set when V is absent. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, bool *missing)
{
	size_t n = strlen(opt);
	if (strncmp(argv[*i], opt, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* Parse the arguments; 0 or 2 (usage, message printed). */
static int parse_args(int argc, char **argv, struct export_args *a)
{
	memset(a, 0, sizeof *a);
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *v;
		if ((v = opt_value(argc, argv, &i, "--format", &missing)))
			a->format = v;
		else if ((v = opt_value(argc, argv, &i, "--output", &missing)) ||
			 (v = opt_value(argc, argv, &i, "-o", &missing)))
			a->out = v;
		else if (missing) {
			fprintf(stderr, "concviz: %s wants a value; %s", argv[i], usage_line);
			return 2;
		} else if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			a->force = true;
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "concviz: export: unknown option '%s'; %s", argv[i],
				usage_line);
			return 2;
		} else if (!a->in)
			a->in = argv[i];
		else {
			fprintf(stderr, "concviz: export takes one recording (got '%s' too); %s",
				argv[i], usage_line);
			return 2;
		}
	}
	if (!a->in || !a->format) {
		fprintf(stderr, "concviz: export needs a recording and a format; %s", usage_line);
		return 2;
	}
	if (strcmp(a->format, "chrome") && strcmp(a->format, "csv")) {
		fprintf(stderr, "concviz: unknown export format '%s'; use --format chrome or --format csv\n",
			a->format);
		return 2;
	}
	return 0;
}

/* Open OUT for writing (refusing to replace it unless force); NULL on error. */
static FILE *open_out(const char *path, bool force)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "concviz: %s exists; use --force to overwrite it\n", path);
		else
			fprintf(stderr, "concviz: cannot create %s (%s); choose another file\n", path,
				strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "concviz: cannot write %s (%s); choose another file\n", path, strerror(errno));
		close(fd);
	}
	return f;
}

/* Convert a recording to Chrome trace JSON or CSV; returns the exit status. */
int cmd_export(int argc, char **argv)
{
	struct export_args a;
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	struct session s;
	struct timeline tl;
	if (a.out && !a.force && access(a.out, F_OK) == 0) {
		fprintf(stderr, "concviz: %s exists; use --force to overwrite it\n", a.out);
		return 2;                     /* before the work, not after */
	}
	if (recfile_load(a.in, &s, &tl) < 0)
		return 1;
	FILE *f = a.out ? open_out(a.out, a.force) : stdout;
	if (!f) {
		rc = errno == EEXIST ? 2 : 1;   /* an existing OUT is the caller's to allow */
		goto out;
	}
	static char buf[1 << 16];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	int e = !strcmp(a.format, "chrome") ? export_chrome(f, &s, &tl) : export_csv(f, &s, &tl);
	if (a.out && fclose(f) != 0)
		e = -EIO;
	if (e < 0) {
		fprintf(stderr, "concviz: writing %s failed (%s); check the disk and try again\n",
			a.out ? a.out : "the standard output", strerror(errno ? errno : EIO));
		if (a.out)
			unlink(a.out);
		rc = 1;
	}
out:
	session_free(&s);
	timeline_free(&tl);
	return rc;
}
