/* cli.c — analyse stricte des arguments de la ligne de commande. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    /* strtol accepts leading blanks and signs: only plain digits are valid. */
    if (s == NULL || !isdigit((unsigned char)s[0]))
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int parse_port(const char *s, int allow_zero)
{
    long v;

    if (parse_long(s, allow_zero ? 0 : 1, 65535, &v) < 0)
        return -1;
    return (int)v;
}

int parse_timeout_ms(const char *s)
{
    long whole = 0, frac = 0, scale = 1000, ms;
    int rest = 0; /* a non-zero digit beyond the millisecond */
    const char *p = s;

    if (s == NULL || !isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p)) {
        whole = whole * 10 + (*p++ - '0');
        if (whole > 86400)
            return -1;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        /* Digits beyond the millisecond are accepted and truncated, but
         * still count for "> 0" (0.0001 gives 1 ms) and for "at most one
         * day" (86400.0001 is rejected). */
        while (isdigit((unsigned char)*p)) {
            if (scale > 1) {
                scale /= 10;
                frac += (*p - '0') * scale;
            } else if (*p != '0') {
                rest = 1;
            }
            p++;
        }
    }
    ms = whole * 1000 + frac;
    if (*p != '\0' || ms > 86400L * 1000 || (ms == 86400L * 1000 && rest) ||
        (ms == 0 && !rest))
        return -1;
    return ms == 0 ? 1 : (int)ms;
}

int parse_hostport(const char *s, char *host, size_t hostlen, char *port,
                   size_t portlen)
{
    const char *colon, *hstart = s;
    size_t hlen, plen;

    if (s == NULL)
        return -1;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || close[1] != ':')
            return -1;
        hstart = s + 1;
        hlen = (size_t)(close - hstart);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
            return -1; /* none, or a bare IPv6 address: ambiguous */
        hlen = (size_t)(colon - s);
    }
    plen = strlen(colon + 1);
    if (hlen == 0 || hlen >= hostlen || parse_port(colon + 1, 0) < 0 ||
        plen >= portlen)
        return -1;
    memcpy(host, hstart, hlen);
    host[hlen] = '\0';
    memcpy(port, colon + 1, plen + 1);
    return 0;
}

/* One "A" or "A-B" item ending at ',' or NUL; *s advances past it. */
static int parse_port_item(const char **s, long *lo, long *hi)
{
    char buf[16];
    size_t n = strcspn(*s, ",");
    char *dash;

    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, *s, n);
    buf[n] = '\0';
    *s += n;
    dash = strchr(buf, '-');
    if (dash != NULL)
        *dash = '\0';
    if (parse_long(buf, 1, 65535, lo) < 0)
        return -1;
    *hi = *lo;
    if (dash != NULL && (parse_long(dash + 1, 1, 65535, hi) < 0 || *hi < *lo))
        return -1;
    return 0;
}

long parse_port_list(const char *s, unsigned char set[PORT_SET_BYTES])
{
    long lo, hi, p, count = 0;

    memset(set, 0, PORT_SET_BYTES);
    if (s == NULL || *s == '\0')
        return -1;
    for (;;) {
        if (parse_port_item(&s, &lo, &hi) < 0)
            return -1;
        for (p = lo; p <= hi; p++) {
            if (!PORT_SET_HAS(set, p))
                count++;
            set[p >> 3] |= (unsigned char)(1u << (p & 7));
        }
        if (*s == '\0')
            return count;
        s++; /* the ',' */
    }
}
