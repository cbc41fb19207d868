/*
 * bench_origin.c - how the embedded origin holds up: 10,000 concurrent
 * loopback connections each waiting out the latency at once, keep-alive
 * request rate on one connection, and bulk body throughput.
 *
 * The origin runs in this process; the clients run in a forked child with
 * plain sockets and epoll, so each side has its own file table (10,000
 * connections need 10,000 descriptors on each side). Prints a table; exits 1
 * when a request goes unanswered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "origin.h"

#define CONNS 10000
#define LATENCY_MS 100
#define BODY 100

struct peer {
	int fd;
	size_t got, need; /* bytes received; total expected once the head is in */
	char head[512];
};

/* Return the monotonic time in ms. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Connect a blocking socket to 127.0.0.1:port; -1 on failure. */
static int dial(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Account for n new bytes of p's response; returns true once it is complete. */
static bool peer_take(struct peer *p, const char *buf, size_t n)
{
	if (!p->need) {
		size_t room = sizeof p->head - 1 - p->got;
		size_t k = n < room ? n : room;
		memcpy(p->head + p->got, buf, k);
		p->head[p->got + k] = 0;
		char *end = strstr(p->head, "\r\n\r\n");
		char *cl = strstr(p->head, "Content-Length: ");
		if (end && cl)
			p->need = (size_t)(end - p->head) + 4 + strtoul(cl + 16, NULL, 10);
	}
	p->got += n;
	return p->need && p->got >= p->need;
}

/* Child: open CONNS connections, request on all, wait for all answers. */
static int clients_concurrent(int port)
{
	struct peer *ps = calloc(CONNS, sizeof *ps);
	int ep = epoll_create1(0), opened = 0, answered = 0;
	char buf[4096];
	const char req[] = "GET /c HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	if (!ps || ep < 0)
		return 1;
	double t0 = now_ms();
	for (int i = 0; i < CONNS; i++) {
		ps[i].fd = dial(port);
		if (ps[i].fd < 0) {
			fprintf(stderr, "bench_origin: connect %d: %s\n", i, strerror(errno));
			break;
		}
		opened++;
	}
	double t1 = now_ms();
	for (int i = 0; i < opened; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ps[i] };
		epoll_ctl(ep, EPOLL_CTL_ADD, ps[i].fd, &ev);
		if (send(ps[i].fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1))
			fprintf(stderr, "bench_origin: send %d: %s\n", i, strerror(errno));
	}
	double t2 = now_ms();
	struct epoll_event evs[256];
	while (answered < opened) {
		int n = epoll_wait(ep, evs, 256, 30000);
		if (n <= 0)
			break;
		for (int e = 0; e < n; e++) {
			struct peer *p = evs[e].data.ptr;
			ssize_t k = recv(p->fd, buf, sizeof buf, 0);
			if (k <= 0 || peer_take(p, buf, (size_t)k)) {
				answered += k > 0;
				epoll_ctl(ep, EPOLL_CTL_DEL, p->fd, NULL);
			}
		}
	}
	double t3 = now_ms();
	printf("%-44s %8.0f ms  (%d of %d)\n", "open 10000 connections", t1 - t0, opened, CONNS);
	printf("%-44s %8.0f ms  (%d answered; floor %d ms)\n",
	       "10000 concurrent GETs, latency 100 ms", t3 - t1, answered, LATENCY_MS);
	printf("%-44s %8.0f ms\n", "  of which sending the requests", t2 - t1);
	for (int i = 0; i < opened; i++)
		close(ps[i].fd);
	close(ep);
	free(ps);
	return answered == CONNS ? 0 : 1;
}

/* Send one request on fd and read its whole response; 0 or 1 on error. */
static int roundtrip(int fd, const char *req, size_t len)
{
	static char buf[1 << 16];
	struct peer p = { .fd = fd };
	if (send(fd, req, len, MSG_NOSIGNAL) < 0)
		return 1;
	for (bool done = false; !done;) {
		ssize_t k = recv(fd, buf, sizeof buf, 0);
		if (k <= 0)
			return 1;
		done = peer_take(&p, buf, (size_t)k);
	}
	return 0;
}

/* Child: sequential keep-alive requests on one connection; bulk bodies. */
static int clients_sequential(int port)
{
	int fd = dial(port);
	if (fd < 0)
		return 1;
	const int n = 5000;
	double t0 = now_ms();
	static const char req[] = "GET /k?ms=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	for (int i = 0; i < n; i++)
		if (roundtrip(fd, req, sizeof req - 1))
			return 1;
	double t1 = now_ms();
	printf("%-44s %8.0f req/s\n", "keep-alive GETs on one connection", n / ((t1 - t0) / 1e3));
	const int big = 8;
	double t2 = now_ms();
	static const char big_req[] = "GET /big?ms=0&bytes=67108864 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	for (int i = 0; i < big; i++)
		if (roundtrip(fd, big_req, sizeof big_req - 1))
			return 1;
	double t3 = now_ms();
	printf("%-44s %8.0f MiB/s\n", "64 MiB bodies, one connection", big * 64 / ((t3 - t2) / 1e3));
	close(fd);
	return 0;
}

/* Run fn(port) in a child process; returns its exit status. */
static int in_child(int (*fn)(int), int port)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		int rc = fn(port);
		fflush(stdout);
		_exit(rc);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* Start the origin, run both client sets, print the table. */
int main(void)
{
	struct origin_cfg cfg;
	char err[256];
	origin_cfg_default(&cfg);
	cfg.latency_ms = LATENCY_MS;
	cfg.size = BODY;
	struct origin *o = origin_start(&cfg, err, sizeof err);
	if (!o) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("bench_origin: embedded origin on 127.0.0.1:%d (open-file limit %llu)\n",
	       origin_port(o), (unsigned long long)rl.rlim_cur);
	if (rl.rlim_cur < CONNS + 64) {
		printf("%-44s skipped: the open-file limit is below %d\n", "10000 concurrent GETs",
		       CONNS + 64);
	}
	int rc = rl.rlim_cur >= CONNS + 64 ? in_child(clients_concurrent, origin_port(o)) : 0;
	struct origin_counters k;
	origin_get_counters(o, &k);
	printf("%-44s %8lu\n", "  connections the origin accepted", k.connections);
	rc |= in_child(clients_sequential, origin_port(o));
	origin_stop(o);
	if (rc)
		fprintf(stderr, "bench_origin: some requests were not answered\n");
	return rc ? 1 : 0;
}
