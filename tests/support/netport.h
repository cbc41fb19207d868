/*
 * netport.h - loopback ports for tests that need a connection refused.
 */
#ifndef CV_TEST_NETPORT_H
#define CV_TEST_NETPORT_H

/* Return a port on 127.0.0.1 where nothing listens (bound, then released). */
int netport_dead(void);

#endif
