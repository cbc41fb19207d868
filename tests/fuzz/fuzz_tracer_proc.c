/*
 * fuzz_tracer_proc.c - libFuzzer target for the tracer's /proc parsers.
 *
 * The first byte picks the parser (schedstat, syscall, stat, loadavg, pid
 * list, getdents64 records, the transcript of output events), the rest is
 * the file's bytes. Every parser must stay inside the buffer (ASan) and keep
 * its contract: a stat name is NUL-terminated and free of control bytes, a
 * pid list never writes past its room and reports positive pids, a syscall
 * line that parses as a call has a bounded number.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tracer_proc.h"
#include "transcript.h"

/* Feed data (as output bytes on fds 1 and 2) to a transcript and check it. */
static void fuzz_transcript(const uint8_t *data, size_t size)
{
	static struct transcript tr;
	static int ready;
	if (!ready) {
		transcript_init(&tr);
		ready = 1;
	}
	for (size_t off = 0; off < size; off += 12) {
		size_t len = size - off < 12 ? size - off : 12;
		struct cv_event ev = transcript_event(off, 0, 1 + (data[off] & 1), (const char *)data + off, len);
		transcript_add(&tr, &ev, (int64_t)off);
	}
	size_t n = transcript_count(&tr);
	if (n > TRANSCRIPT_LINES)
		abort();
	for (size_t i = 0; i < n; i++)
		if (transcript_line(&tr, i)->len > TRANSCRIPT_COLS)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* a copy of exactly the input's size: reads past it are caught */
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);
	struct tproc_sched sc;
	struct tproc_sys sy;
	struct tproc_stat st;
	uint32_t ids[8], last;
	int k;
	switch (data[0] % 7) {
	case 0:
		tproc_schedstat(buf, n, &sc);
		break;
	case 1:
		if (tproc_syscall(buf, n, &sy) == 0 && sy.kind == TSYS_CALL && (sy.nr < 0 || sy.nr > 100000))
			abort();
		break;
	case 2:
		if (tproc_stat(buf, n, &st) == 0) {
			if (strlen(st.comm) >= sizeof st.comm)
				abort();
			for (const char *p = st.comm; *p; p++)
				if ((unsigned char)*p < 0x20)
					abort();
		}
		break;
	case 3:
		tproc_loadavg_last(buf, n, &last);
		break;
	case 4:
		k = tproc_pid_list(buf, n, ids, 8);
		for (int i = 0; i < k && i < 8; i++)
			if (ids[i] == 0)
				abort();
		break;
	case 5:
		k = tproc_dirents(buf, n, ids, 8);
		for (int i = 0; i < k && i < 8; i++)
			if (ids[i] == 0)
				abort();
		break;
	default:
		fuzz_transcript(data + 1, n);
		break;
	}
	free(buf);
	return 0;
}
