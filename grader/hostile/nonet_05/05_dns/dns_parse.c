/* Hostile (no network): a parser that parses nothing. The unit tests of
 * dns_parse.c are the lab's own work (a copy with a real parser passes
 * them, and scores their 15 points more); what this copy must show is that
 * dnsquery and resolve score nothing without the network. selftest.sh puts
 * the lab's own dns_parse.h beside it. */
#include <string.h>

#include "dns_parse.h"

const char *dns_strerror(enum dns_status st)
{
    return st == DNS_OK ? "ok" : "message coupé";
}

enum dns_status dns_encode_name(const char *name, unsigned char *out,
                                size_t outsize, size_t *len)
{
    (void)name; (void)out; (void)outsize; (void)len;
    return DNS_ERR_EMPTY_LABEL;
}

enum dns_status dns_build_query(uint16_t id, const char *name, uint16_t qtype,
                                unsigned char *out, size_t outsize, size_t *len)
{
    (void)id; (void)qtype;
    return dns_encode_name(name, out, outsize, len);
}

enum dns_status dns_parse_reply(const unsigned char *msg, size_t len,
                                struct dns_reply *r)
{
    (void)msg; (void)len;
    memset(r, 0, sizeof *r);
    return DNS_ERR_TRUNCATED;
}

int dns_reply_matches(const struct dns_reply *r, uint16_t id,
                      const char *qname, uint16_t qtype)
{
    (void)r; (void)id; (void)qname; (void)qtype;
    return 0;
}
