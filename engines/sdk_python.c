/*
 * sdk_python.c - finding Python commands and the Python task tracer.
 *
 * A command is Python when its file's name is python[digits and dots], or
 * when it is a script whose first line is "#!" naming such an interpreter,
 * directly or through env. Only the first 256 bytes of a script are read.
 * The tracer's folder is looked for where a user's concviz can find it:
 * an override for tests, the source tree beside ./concviz, the installed
 * tree beside $(PREFIX)/bin/concviz, and $(PREFIX) as built (CV_PYDIR).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sdk_python.h"

#ifndef CV_PYDIR
#define CV_PYDIR "/usr/local/share/concviz/python"
#endif

/* True when the last path component of s (up to end) names a Python. */
static bool python_name(const char *s, const char *end)
{
	const char *base = s;
	for (const char *p = s; p < end; p++)
		if (*p == '/')
			base = p + 1;
	if (end - base < 6 || strncmp(base, "python", 6))
		return false;
	for (const char *p = base + 6; p < end; p++)
		if ((*p < '0' || *p > '9') && *p != '.')
			return false;
	return true;
}

/* Find cmd as execvp would (a name without '/' is looked up in PATH);
 * writes the path into buf[n]; 0 or -1. */
static int find_command(const char *cmd, char *buf, size_t n)
{
	if (strchr(cmd, '/'))
		return snprintf(buf, n, "%s", cmd) < (int)n ? 0 : -1;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");
		if (snprintf(buf, n, "%.*s/%s", (int)len, len ? p : ".", cmd) < (int)n &&
		    access(buf, X_OK) == 0)
			return 0;
		p += len + (p[len] == ':');
	}
	return -1;
}

/* True when cmd is a Python interpreter or a script run by one. */
bool sdk_python_command(const char *cmd)
{
	char path[PATH_MAX], line[257];
	if (!cmd || !*cmd || find_command(cmd, path, sizeof path) < 0)
		return false;
	if (python_name(path, path + strlen(path)))
		return true;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	ssize_t got = read(fd, line, sizeof line - 1);
	close(fd);
	if (got < 2 || line[0] != '#' || line[1] != '!')
		return false;
	line[got] = 0;
	line[strcspn(line, "\n")] = 0;
	/* the interpreter, or env's first argument that is not an option */
	char *w = line + 2;
	for (int words = 0; words < 4; words++) {
		w += strspn(w, " \t");
		size_t len = strcspn(w, " \t");
		if (!len)
			return false;
		if (python_name(w, w + len))
			return true;
		bool env = len >= 3 && !strncmp(w + len - 3, "env", 3) && (len == 3 || w[len - 4] == '/');
		if (!env && *w != '-')
			return false;
		w += len;
	}
	return false;
}

/* True when dir holds the tracer. */
static bool tracer_in(const char *dir)
{
	char path[PATH_MAX];
	return snprintf(path, sizeof path, "%s/concviz_sdk/__init__.py", dir) < (int)sizeof path &&
	       access(path, R_OK) == 0 &&
	       snprintf(path, sizeof path, "%s/sitecustomize.py", dir) < (int)sizeof path &&
	       access(path, R_OK) == 0;
}

/* Find the tracer's folder; see sdk_python.h. */
int sdk_python_dir(char *buf, size_t n)
{
	const char *over = getenv("CONCVIZ_PYTHON_DIR");
	if (over && *over)
		return tracer_in(over) && snprintf(buf, n, "%s", over) < (int)n ? 0 : -ENOENT;
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		static const char *const rel[] = { "engines/sdk/python", "../share/concviz/python" };
		for (size_t i = 0; i < 2; i++) {
			char dir[PATH_MAX], real[PATH_MAX];
			if (snprintf(dir, sizeof dir, "%s/%s", exe, rel[i]) < (int)sizeof dir &&
			    tracer_in(dir) && realpath(dir, real) && snprintf(buf, n, "%s", real) < (int)n)
				return 0;
		}
	}
	return tracer_in(CV_PYDIR) && snprintf(buf, n, "%s", CV_PYDIR) < (int)n ? 0 : -ENOENT;
}

/* Write the PYTHONPATH setting that puts dir first. */
int sdk_python_env(char *buf, size_t n, const char *dir)
{
	const char *old = getenv("PYTHONPATH");
	int w = old && *old ? snprintf(buf, n, "PYTHONPATH=%s:%s", dir, old)
			    : snprintf(buf, n, "PYTHONPATH=%s", dir);
	return w >= 0 && (size_t)w < n ? 0 : -ENAMETOOLONG;
}
