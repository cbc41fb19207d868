/*
 * tracer_spawn.h - starting the traced command, checking that a running
 * process may be observed, and saying how a program ended.
 *
 * No ptrace: the command is a plain child (fork + execvp), observed through
 * /proc like any other process. An exec that fails is reported back to the
 * parent through a close-on-exec pipe (as posix_spawn does), so "command
 * not found" (127) and "not executable" (126) are known before anything is
 * drawn. How a program ended is put in words by stats.h.
 */
#ifndef CV_TRACER_SPAWN_H
#define CV_TRACER_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct tspawn_opts {
	char **argv;          /* the command (argv[0] is looked up in PATH) */
	const char *origin;   /* CONCVIZ_ORIGIN for the child, or NULL */
	const char *const *env; /* "NAME=value" strings to add (replacing NAME), NULL-terminated; or NULL */
	bool capture;         /* stdin /dev/null, stdout/stderr pipes */
	bool new_session;     /* setsid(): its own process group, no terminal */
};

/* Start the command. Returns 0 with *pid (and, when capturing, the read ends
 * of the output pipes in out_fds[0..1], non-blocking and close-on-exec; -1
 * otherwise). On failure returns -ENOENT (not found: exit 127), -EACCES (not
 * executable: 126) or another negative errno (126), with the one-line
 * message in err, and nothing left running. */
int tspawn_start(const struct tspawn_opts *o, pid_t *pid, int out_fds[2], char *err, size_t errlen);

/* Check that process pid may be observed: it exists, and its blocking
 * reason (/proc/PID/syscall) can be read. Returns 0, or -ESRCH / -EACCES
 * with one line in err naming the reason (no such process; the Yama
 * ptrace_scope setting and its value; another user's process) and what
 * to do. */
int tspawn_attach_check(pid_t pid, char *err, size_t errlen);

#endif
