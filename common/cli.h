/* cli.h — analyse stricte des arguments : ports, délais, nombres, HOST:PORT. */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

/* Strict decimal integer in [min, max]: no sign games, no junk, no overflow.
 * Returns 0 and stores *out, or -1. */
int parse_long(const char *s, long min, long max, long *out);

/* TCP/UDP port "1".."65535" ("0" too when allow_zero). Returns the port or -1. */
int parse_port(const char *s, int allow_zero);

/* Seconds with optional decimals ("10", "0.5", "2.25"), > 0 and at most one
 * day. Returns milliseconds (at least 1) or -1. */
int parse_timeout_ms(const char *s);

/* Splits "host:port", "[v6addr]:port" (an IPv6 address needs brackets) into
 * host and port buffers; the port must pass parse_port(s, 0). Returns 0, or
 * -1 when the text is malformed or does not fit. */
int parse_hostport(const char *s, char *host, size_t hostlen, char *port,
                   size_t portlen);

/* Port set for scanners: PORT_SET_BYTES bytes, bit p set when port p is
 * listed. */
#define PORT_SET_BYTES (65536 / 8)
#define PORT_SET_HAS(set, p) (((set)[(p) >> 3] >> ((p) & 7)) & 1)

/* Parses a list such as "1-1024,8080,9000-9100" (ports 1..65535, ranges
 * ascending) into set, cleared first. Returns how many distinct ports are
 * set, or -1 when the list is malformed. */
long parse_port_list(const char *s, unsigned char set[PORT_SET_BYTES]);

#endif
