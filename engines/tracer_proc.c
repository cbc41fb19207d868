/*
 * tracer_proc.c - parsers of /proc files for the tracer (see tracer_proc.h).
 *
 * Each parser walks the bytes once with a cursor bounded by n: no strtol on
 * unterminated buffers, no allocation. Numbers are decimal unless the kernel
 * prints them in hex ("0x..." arguments of the syscall file).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include "tracer_proc.h"

struct cur {
	const char *p, *end;
};

/* Skip blanks (spaces, tabs, newlines). */
static void skip_blank(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n'))
		c->p++;
}

/* Read an unsigned decimal number; false when none or it overflows. */
static bool get_dec(struct cur *c, uint64_t *v)
{
	uint64_t r = 0;
	const char *s = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');
		if (r > (UINT64_MAX - d) / 10)
			return false;
		r = r * 10 + d;
		c->p++;
	}
	*v = r;
	return c->p > s;
}

/* Read "0x" followed by hex digits; false when malformed or too long. */
static bool get_hex(struct cur *c, uint64_t *v)
{
	if (c->end - c->p < 3 || c->p[0] != '0' || c->p[1] != 'x')
		return false;
	c->p += 2;
	uint64_t r = 0;
	int digits = 0;
	while (c->p < c->end) {
		char ch = *c->p;
		unsigned d;
		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned)(ch - 'A' + 10);
		else
			break;
		if (++digits > 16)
			return false;
		r = r << 4 | d;
		c->p++;
	}
	*v = r;
	return digits > 0;
}

/* True when the cursor is at the end, or at a blank. */
static bool at_sep(const struct cur *c)
{
	return c->p == c->end || *c->p == ' ' || *c->p == '\n' || *c->p == '\t';
}

/* Parse schedstat: three decimal numbers. */
int tproc_schedstat(const char *buf, size_t n, struct tproc_sched *out)
{
	struct cur c = { buf, buf + n };
	uint64_t v[3];
	for (int i = 0; i < 3; i++) {
		skip_blank(&c);
		if (!get_dec(&c, &v[i]) || !at_sep(&c))
			return -EINVAL;
	}
	out->run_ns = v[0];
	out->wait_ns = v[1];
	out->slices = v[2];
	return 0;
}

/* Parse the syscall file: "running", "-1 ...", or "nr 0xarg ...". */
int tproc_syscall(const char *buf, size_t n, struct tproc_sys *out)
{
	struct cur c = { buf, buf + n };
	memset(out, 0, sizeof *out);
	skip_blank(&c);
	if (c.end - c.p >= 7 && !memcmp(c.p, "running", 7)) {
		out->kind = TSYS_RUNNING;
		return 0;
	}
	if (c.end - c.p >= 2 && c.p[0] == '-' && c.p[1] == '1') {
		c.p += 2;
		if (!at_sep(&c))
			return -EINVAL;
		out->kind = TSYS_NONE;
		out->nr = -1;
		return 0;
	}
	uint64_t nr;
	if (!get_dec(&c, &nr) || !at_sep(&c) || nr > 100000)
		return -EINVAL;
	out->kind = TSYS_CALL;
	out->nr = (long)nr;
	for (int i = 0; i < 3; i++) {
		skip_blank(&c);
		if (c.p == c.end)
			break;                  /* arguments are optional to us */
		if (!get_hex(&c, &out->args[i]) || !at_sep(&c))
			return -EINVAL;
	}
	return 0;
}

/* Parse the stat line's pid, (comm), state and ppid. */
int tproc_stat(const char *buf, size_t n, struct tproc_stat *out)
{
	memset(out, 0, sizeof *out);
	const char *open = memchr(buf, '(', n);
	if (!open)
		return -EINVAL;
	const char *close = NULL;
	for (const char *p = buf + n; p > open; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!close || close <= open)
		return -EINVAL;
	size_t len = (size_t)(close - open - 1);
	if (len > sizeof out->comm - 1)
		len = sizeof out->comm - 1;
	memcpy(out->comm, open + 1, len);
	out->comm[len] = 0;
	for (size_t i = 0; i < len; i++)          /* a name is shown: no control bytes */
		if ((unsigned char)out->comm[i] < 0x20 || out->comm[i] == 0x7f)
			out->comm[i] = '?';
	struct cur c = { close + 1, buf + n };
	skip_blank(&c);
	if (c.p == c.end || *c.p < 'A' || *c.p > 'z')
		return -EINVAL;
	out->state = *c.p++;
	if (!at_sep(&c))
		return -EINVAL;
	skip_blank(&c);
	uint64_t ppid;
	bool neg = c.p < c.end && *c.p == '-';
	if (neg)
		c.p++;
	if (!get_dec(&c, &ppid) || !at_sep(&c) || ppid > 0x7fffffff)
		return -EINVAL;
	out->ppid = neg ? -(int)ppid : (int)ppid;
	return 0;
}

/* Parse loadavg's last field (the newest pid). */
int tproc_loadavg_last(const char *buf, size_t n, uint32_t *last_pid)
{
	struct cur c = { buf, buf + n };
	for (int field = 0; field < 4; field++) {   /* three averages, "running/total" */
		skip_blank(&c);
		if (c.p == c.end || at_sep(&c))
			return -EINVAL;
		while (c.p < c.end && !at_sep(&c))
			c.p++;
	}
	skip_blank(&c);
	uint64_t v;
	if (!get_dec(&c, &v) || !at_sep(&c) || v > UINT32_MAX)
		return -EINVAL;
	*last_pid = (uint32_t)v;
	return 0;
}

/* Parse a space-separated list of pids. */
int tproc_pid_list(const char *buf, size_t n, uint32_t *out, int max)
{
	struct cur c = { buf, buf + n };
	int count = 0;
	for (;;) {
		skip_blank(&c);
		if (c.p == c.end)
			return count;
		uint64_t v;
		if (!get_dec(&c, &v) || !at_sep(&c) || v == 0 || v > 0x7fffffff)
			return -EINVAL;
		if (count < max)
			out[count] = (uint32_t)v;
		if (count < 0x7fffffff)
			count++;
	}
}

/* Parse getdents64 records: numeric names into out. */
int tproc_dirents(const void *buf, size_t n, uint32_t *out, int max)
{
	/* struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, char name[] */
	const unsigned char *p = buf;
	size_t off = 0;
	int count = 0;
	while (off < n) {
		if (n - off < 20)
			return -EINVAL;
		uint16_t reclen = (uint16_t)(p[off + 16] | p[off + 17] << 8);
		if (reclen < 20 || reclen > n - off)
			return -EINVAL;
		const char *name = (const char *)p + off + 19;
		size_t room = reclen - 19u;
		size_t len = strnlen(name, room);
		if (len == room)
			return -EINVAL;             /* no NUL inside the record */
		struct cur c = { name, name + len };
		uint64_t v;
		if (len && get_dec(&c, &v) && c.p == c.end && v > 0 && v <= 0x7fffffff) {
			if (count < max)
				out[count] = (uint32_t)v;
			if (count < 0x7fffffff)
				count++;
		}
		off += reclen;
	}
	return count;
}
