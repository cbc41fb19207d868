/*
 * tracer_spawn.c - fork + exec of the traced command, the attach check, and
 * wait statuses in words (see tracer_spawn.h).
 *
 * The child's environment (the parent's plus CONCVIZ_ORIGIN and the SDK's
 * CONCVIZ_SDK and PYTHONPATH) is built
 * before fork: between fork and exec a child of a threaded process may only
 * make async-signal-safe calls, so it only moves file descriptors, resets
 * signals and calls execvpe. Signal dispositions concviz changed (SIGPIPE
 * ignored by the origin, signals blocked while threads start) are put back,
 * so the program starts as it would from a shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tracer_spawn.h"

extern char **environ;

/* True when environment entry e sets the variable that `set` ("NAME=...") sets. */
static bool tspawn_same_name(const char *e, const char *set)
{
	size_t n = strcspn(set, "=");
	return !strncmp(e, set, n) && e[n] == '=';
}

/* True when entry e is replaced by one of the NULL-terminated sets. */
static bool tspawn_replaced(const char *e, const char *const *sets)
{
	for (size_t i = 0; sets && sets[i]; i++)
		if (tspawn_same_name(e, sets[i]))
			return true;
	return false;
}

/* Build environ plus "CONCVIZ_ORIGIN=origin" and the strings of extra
 * (each replacing one already set); NULL on OOM. The strings are borrowed
 * except the one added (*added). */
static char **tspawn_env(const char *origin, const char *const *extra, char **added)
{
	size_t n = 0, x = 0;
	while (environ && environ[n])
		n++;
	while (extra && extra[x])
		x++;
	char **env = calloc(n + x + 2, sizeof *env);
	*added = NULL;
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((!origin || strncmp(environ[i], "CONCVIZ_ORIGIN=", 15)) &&
		    !tspawn_replaced(environ[i], extra))
			env[k++] = environ[i];
	for (size_t i = 0; i < x; i++)
		env[k++] = (char *)extra[i];
	if (origin) {
		size_t len = strlen(origin) + 16;
		*added = malloc(len);
		if (!*added) {
			free(env);
			return NULL;
		}
		snprintf(*added, len, "CONCVIZ_ORIGIN=%s", origin);
		env[k++] = *added;
	}
	env[k] = NULL;
	return env;
}

/* In the child: set up fds and signals, exec; on failure write errno to
 * the report pipe and _exit(127). Async-signal-safe calls only. */
static void tspawn_child(const struct tspawn_opts *o, char **env, int report, int out_w, int err_w)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	if (o->new_session)
		setsid();
	if (o->capture) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0 && null != 0) {
			dup2(null, 0);
			close(null);
		}
		dup2(out_w, 1);
		dup2(err_w, 2);
		if (out_w > 2)
			close(out_w);
		if (err_w > 2)
			close(err_w);
	}
	execvpe(o->argv[0], o->argv, env);
	int e = errno;
	ssize_t w = write(report, &e, sizeof e);
	(void)w;
	_exit(127);
}

/* Make a pipe, both ends close-on-exec, the read end non-blocking when
 * nonblock. */
static int tspawn_pipe(int p[2], bool nonblock)
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (nonblock)
		fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	return 0;
}

/* Close the fds of a set that are open. */
static void tspawn_close(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* Write the one-line message for an exec that failed with errno e. */
static int tspawn_exec_error(const char *cmd, int e, char *err, size_t errlen)
{
	if (e == ENOENT || e == ENOTDIR) {
		snprintf(err, errlen, "concviz: cannot run '%.200s': command not found; check its "
			 "name and PATH", cmd);
		return -ENOENT;
	}
	struct stat st;
	if (e == EACCES && stat(cmd, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(err, errlen, "concviz: cannot run '%.200s': it is a directory; give a "
			 "program", cmd);
	else if (e == EACCES)
		snprintf(err, errlen, "concviz: cannot run '%.200s': permission denied (not "
			 "executable); chmod +x it or run it through its interpreter", cmd);
	else if (e == ENOEXEC)
		snprintf(err, errlen, "concviz: cannot run '%.200s': not an executable format; "
			 "run it through its interpreter (e.g. sh FILE)", cmd);
	else
		snprintf(err, errlen, "concviz: cannot run '%.200s': %s; check the command",
			 cmd, strerror(e));
	return e == EACCES ? -EACCES : -e;
}

/* Start the command; see tracer_spawn.h. */
int tspawn_start(const struct tspawn_opts *o, pid_t *pid, int out_fds[2], char *err, size_t errlen)
{
	int rep[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	out_fds[0] = out_fds[1] = -1;
	char *added;
	char **env = tspawn_env(o->origin, o->env, &added);
	int rc;
	if (!env) {
		snprintf(err, errlen, "concviz: out of memory starting the program; free some memory");
		return -ENOMEM;
	}
	if ((rc = tspawn_pipe(rep, false)) < 0 ||
	    (o->capture && ((rc = tspawn_pipe(outp, true)) < 0 || (rc = tspawn_pipe(errp, true)) < 0))) {
		snprintf(err, errlen, "concviz: cannot make a pipe (%s); close some files", strerror(-rc));
		goto fail;
	}
	pid_t c = fork();
	if (c < 0) {
		rc = -errno;
		snprintf(err, errlen, "concviz: cannot start the program (fork: %s); end some "
			 "processes and retry", strerror(errno));
		goto fail;
	}
	if (c == 0)
		tspawn_child(o, env, rep[1], outp[1], errp[1]);
	close(rep[1]);
	rep[1] = -1;
	int e = 0;
	ssize_t got;
	do
		got = read(rep[0], &e, sizeof e);
	while (got < 0 && errno == EINTR);
	if (got == (ssize_t)sizeof e) {           /* exec failed: the child exits 127 */
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
		rc = tspawn_exec_error(o->argv[0], e, err, errlen);
		goto fail;
	}
	tspawn_close(rep, 1);
	tspawn_close(&outp[1], 1);
	tspawn_close(&errp[1], 1);
	out_fds[0] = outp[0];
	out_fds[1] = errp[0];
	*pid = c;
	free(added);
	free(env);
	return 0;
fail:
	tspawn_close(rep, 2);
	tspawn_close(outp, 2);
	tspawn_close(errp, 2);
	free(added);
	free(env);
	return rc;
}

/* Read /proc/sys/kernel/yama/ptrace_scope; -1 when there is no Yama. */
static int tspawn_ptrace_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r");
	int v = -1;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Check that pid may be observed; see tracer_spawn.h. */
int tspawn_attach_check(pid_t pid, char *err, size_t errlen)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	if (pid <= 0 || stat(path, &st) < 0) {
		snprintf(err, errlen, "concviz: no process %d; check the pid (ps -e lists them)", (int)pid);
		return -ESRCH;
	}
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[256];
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf);
		int e = errno;
		close(fd);
		if (n >= 0)
			return 0;
		errno = e;
	}
	if (errno == ENOENT || errno == ESRCH) {
		snprintf(err, errlen, "concviz: process %d has ended; check the pid", (int)pid);
		return -ESRCH;
	}
	int scope = tspawn_ptrace_scope();
	if (st.st_uid != geteuid())
		snprintf(err, errlen, "concviz: may not observe process %d: it belongs to another "
			 "user (uid %u) and you are uid %u; run concviz as that user or as root",
			 (int)pid, (unsigned)st.st_uid, (unsigned)geteuid());
	else if (scope >= 1)
		snprintf(err, errlen, "concviz: may not observe process %d: kernel.yama.ptrace_scope "
			 "is %d, which lets you observe only your own children; start it with "
			 "`concviz trace -- CMD`, or run as root%s", (int)pid, scope,
			 scope == 1 ? ", or set `sysctl kernel.yama.ptrace_scope=0`" : "");
	else
		snprintf(err, errlen, "concviz: may not observe process %d (%s); run concviz as its "
			 "user or as root", (int)pid, strerror(errno));
	return -EACCES;
}
