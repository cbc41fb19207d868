/*
 * hdr_check.c - concviz.h compiles in strict modes (C99 without feature
 * macros, after other system headers; C++) with every warning, and two
 * files of one program that include it share one state: one shard per
 * thread. Built and run by tests/e2e/test_sdk_c.sh with hdr_check2.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include "concviz.h"

void hdr_other(void);

/* Use every call once, then the other file's. */
int main(void)
{
	uint64_t t = cvz_task_begin("first file");
	cvz_state(CVZ_LOCK);
	cvz_state(CVZ_CPU);
	cvz_state(CVZ_IDLE);
	cvz_state(CVZ_AUTO);
	cvz_mark("first");
	cvz_task_fail(t, NULL);
	hdr_other();
	puts("hdr_check: ok");
	return 0;
}
