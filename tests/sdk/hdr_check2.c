/*
 * hdr_check2.c - the second file of hdr_check (see hdr_check.c).
 */
#include "concviz.h"

void hdr_other(void);

/* A task from the other file: the same shard as the first file's. */
void hdr_other(void)
{
	cvz_task_end(cvz_task_begin("second file"));
}
