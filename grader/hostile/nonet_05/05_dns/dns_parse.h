/* dns_parse.h — requête DNS construite à la main et analyse robuste de la réponse (§5). */
#ifndef DNS_PARSE_H
#define DNS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_MAX_LABEL 63
/* A name on the wire, length bytes and final 0 included (RFC 1035 §2.3.4);
 * its text form has at most 253 characters without the final dot. */
#define DNS_MAX_WIRE_NAME 255
#define DNS_MAX_TEXT_NAME 253
/* Text of a received name: each of its bytes may be escaped as \DDD. */
#define DNS_NAME_BUF (4 * DNS_MAX_WIRE_NAME + 1)
/* Pointers followed in one name: more would only be an attack. */
#define DNS_MAX_HOPS 32
/* Records kept from the answer section; the others are counted. */
#define DNS_MAX_RECORDS 64

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_SERVFAIL 2

/* Why a name or a message was refused. The parser never prints. */
enum dns_status {
    DNS_OK = 0,
    DNS_ERR_TRUNCATED,    /* a field runs past the end of the message */
    DNS_ERR_COUNT,        /* fewer records than the header announces */
    DNS_ERR_LABEL,        /* label over 63 bytes (or reserved label type) */
    DNS_ERR_NAME_LONG,    /* name over 255 bytes on the wire */
    DNS_ERR_POINTER,      /* compression pointer not strictly backwards */
    DNS_ERR_HOPS,         /* too many compression pointers */
    DNS_ERR_RDATA,        /* record data of the wrong size */
    DNS_ERR_EMPTY_LABEL,  /* name to encode: "a..b", ".x", "" */
};

/* French text of a status, for messages. */
const char *dns_strerror(enum dns_status st);

/* Encodes a text name ("www.example.com", final dot optional) as length-
 * prefixed labels ending with 0 into out (outsize bytes). Returns DNS_OK
 * and *len, or DNS_ERR_EMPTY_LABEL, DNS_ERR_LABEL, DNS_ERR_NAME_LONG. */
enum dns_status dns_encode_name(const char *name, unsigned char *out,
                                size_t outsize, size_t *len);

/* A whole query: header (id, RD set, one question) and question (name,
 * qtype, class IN). out needs DNS_HEADER_LEN + DNS_MAX_WIRE_NAME + 4
 * bytes. Returns DNS_OK and *len, or dns_encode_name()'s error. */
enum dns_status dns_build_query(uint16_t id, const char *name, uint16_t qtype,
                                unsigned char *out, size_t outsize,
                                size_t *len);

struct dns_record {
    char name[DNS_NAME_BUF];
    uint16_t type;
    uint16_t rclass;
    uint32_t ttl;
    /* A/AAAA: the address in text; CNAME: the target name; else empty. */
    char data[DNS_NAME_BUF];
};

struct dns_reply {
    int header_ok; /* at least DNS_HEADER_LEN bytes: the fields below hold */
    uint16_t id;
    int qr, tc, rcode;
    uint16_t qdcount, ancount;
    char qname[DNS_NAME_BUF]; /* the question, when qdcount == 1 */
    uint16_t qtype, qclass;
    size_t nrecords; /* records kept in an[] */
    size_t omitted;  /* valid records beyond DNS_MAX_RECORDS */
    struct dns_record an[DNS_MAX_RECORDS];
};

/* Parses a reply of len bytes: header, question section (parsed, never
 * skipped by an assumed length) and answer section. Every read goes through
 * a bounds-checked cursor; names are decompressed with pointers that must
 * point strictly before the label sequence holding them (no loop can
 * exist), at most DNS_MAX_HOPS of them. Fills *r as far as it got (the
 * header first, so that a caller can tell a reply to someone else). */
enum dns_status dns_parse_reply(const unsigned char *msg, size_t len,
                                struct dns_reply *r);

/* Does reply r answer our query (id, name compared without case, qtype,
 * class IN, QR set)? 1 or 0. */
int dns_reply_matches(const struct dns_reply *r, uint16_t id,
                      const char *qname, uint16_t qtype);

#endif
