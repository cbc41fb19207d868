/*
 * orphan.c - forks a child and exits at once: the child, an orphan, sleeps
 * ORPHAN_MS and exits. A tracer must see the orphan and reap it.
 */
#include <time.h>
#include <unistd.h>

#define ORPHAN_MS 500

int main(void)
{
	pid_t p = fork();
	if (p < 0)
		return 1;
	if (p == 0) {
		struct timespec ts = { 0, ORPHAN_MS * 1000000L };
		nanosleep(&ts, NULL);
		_exit(0);
	}
	return 0;
}
