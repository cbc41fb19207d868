/*
 * sdk_python.h - what `concviz trace` needs to inject the Python task
 * tracer: whether a command is a Python interpreter (or a script run by
 * one), where the tracer's folder is, and the PYTHONPATH that puts it first.
 */
#ifndef CV_SDK_PYTHON_H
#define CV_SDK_PYTHON_H

#include <stdbool.h>
#include <stddef.h>

/* True when cmd (a path, or a name looked up in PATH) is a Python
 * interpreter (its name is python, python3, python3.11 ...) or a script
 * whose "#!" line runs one ("#!/usr/bin/env python3", "#!/usr/bin/python3 -u"). */
bool sdk_python_command(const char *cmd);

/* Find the tracer's folder (the one holding sitecustomize.py and
 * concviz_sdk/): $CONCVIZ_PYTHON_DIR when set; else beside the running
 * binary, in the source tree (engines/sdk/python) or installed
 * (../share/concviz/python); else where `make install` puts it. Writes the
 * path into buf[n]; 0, or -ENOENT when none is there. */
int sdk_python_dir(char *buf, size_t n);

/* Write "PYTHONPATH=<dir>" or, when PYTHONPATH is set and not empty,
 * "PYTHONPATH=<dir>:<old>" into buf[n]; 0 or -ENAMETOOLONG. */
int sdk_python_env(char *buf, size_t n, const char *dir);

#endif
