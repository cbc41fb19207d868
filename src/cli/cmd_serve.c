/*
 * cmd_serve.c - `concviz serve`: the embedded HTTP origin, standalone.
 *
 * Parses the options strictly (every number must be all of its argument and
 * in range), starts the origin (engines/origin.c) on its own thread, prints
 * one line saying where it listens, then waits for SIGINT, SIGTERM or SIGHUP
 * with sigwait: the three signals are blocked before the origin thread
 * starts, so no thread is interrupted by them. A do-nothing handler is
 * installed for SIGINT and SIGTERM only so that a disposition of "ignore"
 * inherited from the parent (shells ignore SIGINT in background jobs) does
 * not discard them; an ignored SIGHUP (nohup) stays ignored. On a signal the
 * origin is stopped (every connection closed, thread joined) and the command
 * returns 0.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "origin.h"

#define SERVE_MAX_MS 600000.0

static const char serve_usage[] =
	"usage: concviz serve [--port N] [--bind ADDR] [--latency MS] [--jitter MS]\n"
	"                     [--size BYTES] [--fail-rate P]\n"
	"Serve HTTP/1.1 on ADDR:N until Ctrl-C (SIGINT), SIGTERM or SIGHUP.\n"
	"  --port N        TCP port, 0..65535; 0 picks a free one (default 8080)\n"
	"  --bind ADDR     IPv4 or IPv6 address (default 127.0.0.1)\n"
	"  --latency MS    wait before each answer, 0..600000 ms (default 100)\n"
	"  --jitter MS     plus a uniform random 0..MS, 0..600000 (default 0)\n"
	"  --size BYTES    body size, 0..67108864 (default 10240)\n"
	"  --fail-rate P   fraction 0..1 of requests answered 500 or reset (default 0)\n"
	"Per request: GET /any/path?ms=MS&bytes=N&status=CODE overrides the wait,\n"
	"the body size and the status (200..599); &stall=1 sends the head and half\n"
	"the body, then nothing (a stalled transfer). Only GET and HEAD are served.\n";

/* Parse s as a whole number in [lo, hi] (digits only); 0 or -1. */
static int serve_whole(const char *s, long lo, long hi, long *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (long)v;
	return 0;
}

/* Parse s as a finite decimal number in [lo, hi] (no sign, hex, inf or nan);
 * 0 or -1. */
static int serve_real(const char *s, double lo, double hi, double *out)
{
	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s) || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1;
	errno = 0;
	char *end;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Apply option name with value v to cfg; returns 0, or 2 after printing the
 * one-line complaint. */
static int serve_option(struct origin_cfg *cfg, const char *name, const char *v)
{
	long n;
	if (!strcmp(name, "--port")) {
		if (serve_whole(v, 0, 65535, &n) < 0)
			goto bad_whole;
		cfg->port = (int)n;
	} else if (!strcmp(name, "--bind")) {
		unsigned char tmp[sizeof(struct in6_addr)];
		if (inet_pton(AF_INET, v, tmp) != 1 && inet_pton(AF_INET6, v, tmp) != 1) {
			fprintf(stderr, "concviz: --bind wants an IPv4 or IPv6 address (got '%s'); "
				"try --bind 127.0.0.1\n", v);
			return 2;
		}
		cfg->bind = v;
	} else if (!strcmp(name, "--latency") || !strcmp(name, "--jitter")) {
		double ms;
		if (serve_real(v, 0, SERVE_MAX_MS, &ms) < 0) {
			fprintf(stderr, "concviz: %s wants milliseconds from 0 to 600000 (got '%s'); "
				"pass a number like 100\n", name, v);
			return 2;
		}
		*(name[2] == 'l' ? &cfg->latency_ms : &cfg->jitter_ms) = ms;
	} else if (!strcmp(name, "--size")) {
		if (serve_whole(v, 0, ORIGIN_MAX_SIZE, &n) < 0)
			goto bad_whole;
		cfg->size = n;
	} else if (!strcmp(name, "--fail-rate")) {
		if (serve_real(v, 0, 1, &cfg->fail_rate) < 0) {
			fprintf(stderr, "concviz: --fail-rate wants a fraction from 0 to 1 (got '%s'); "
				"pass e.g. 0.1\n", v);
			return 2;
		}
	} else {
		fprintf(stderr, "concviz: unknown serve option '%s'; run `concviz serve --help`\n", name);
		return 2;
	}
	return 0;
bad_whole:
	fprintf(stderr, "concviz: %s wants a whole number from 0 to %ld (got '%s'); "
		"run `concviz serve --help`\n", name, !strcmp(name, "--port") ? 65535L : ORIGIN_MAX_SIZE, v);
	return 2;
}

/* Fill cfg from argv[1..argc); returns 0, 2 (usage error, printed) or -1
 * for --help (usage printed). */
static int serve_parse(struct origin_cfg *cfg, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(serve_usage, stdout);
			return -1;
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			fprintf(stderr, "concviz: unexpected argument '%s' to serve; "
				"run `concviz serve --help`\n", a);
			return 2;
		}
		char name[32];
		const char *eq = strchr(a, '=');
		const char *v;
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		if (nlen >= sizeof name) {
			fprintf(stderr, "concviz: unknown serve option '%s'; run `concviz serve --help`\n", a);
			return 2;
		}
		memcpy(name, a, nlen);
		name[nlen] = 0;
		if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc) {
			v = argv[++i];
		} else {
			bool known = !strcmp(name, "--port") || !strcmp(name, "--bind") ||
				     !strcmp(name, "--latency") || !strcmp(name, "--jitter") ||
				     !strcmp(name, "--size") || !strcmp(name, "--fail-rate");
			if (known)
				fprintf(stderr, "concviz: %s needs a value; run `concviz serve --help`\n", name);
			else
				fprintf(stderr, "concviz: unknown serve option '%s'; "
					"run `concviz serve --help`\n", name);
			return 2;
		}
		int rc = serve_option(cfg, name, v);
		if (rc)
			return rc;
	}
	return 0;
}

/* Put back the signal dispositions and mask cmd_serve changed. */
static void serve_restore(const sigset_t *mask, const struct sigaction *i, const struct sigaction *t,
			  const struct sigaction *h)
{
	sigaction(SIGINT, i, NULL);
	sigaction(SIGTERM, t, NULL);
	sigaction(SIGHUP, h, NULL);
	pthread_sigmask(SIG_SETMASK, mask, NULL);
}

/* Never runs (the signals are blocked and taken by sigwait); installed so
 * that the signals are not ignored. */
static void serve_on_signal(int sig)
{
	(void)sig;
}

/* Run the standalone origin until a stop signal; returns the exit status. */
int cmd_serve(int argc, char **argv)
{
	struct origin_cfg cfg;
	origin_cfg_default(&cfg);
	cfg.port = 8080;
	int rc = serve_parse(&cfg, argc, argv);
	if (rc)
		return rc < 0 ? 0 : rc;

	sigset_t stop, old;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	struct sigaction sa, old_int, old_term, old_hup;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = serve_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, NULL, &old_hup);
	if (old_hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);

	char err[256] = "";
	struct origin *o = origin_start(&cfg, err, sizeof err);
	if (!o) {
		fprintf(stderr, "%s\n", err[0] ? err : "concviz: cannot start the origin; try another --port");
		serve_restore(&old, &old_int, &old_term, &old_hup);
		return 1;
	}
	const char *addr = cfg.bind ? cfg.bind : "127.0.0.1";
	bool v6 = strchr(addr, ':') != NULL;
	printf("concviz serve: listening on http://%s%s%s:%d/ (latency %g ms, jitter %g ms, "
	       "size %ld bytes, fail-rate %g); Ctrl-C stops\n",
	       v6 ? "[" : "", addr, v6 ? "]" : "", origin_port(o), cfg.latency_ms, cfg.jitter_ms,
	       cfg.size, cfg.fail_rate);
	fflush(stdout);

	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	struct origin_counters k;
	origin_get_counters(o, &k);
	origin_stop(o);
	serve_restore(&old, &old_int, &old_term, &old_hup);
	printf("concviz serve: stopped by %s after %lu requests on %lu connections\n",
	       sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", k.requests,
	       k.connections);
	fflush(stdout);
	return 0;
}
