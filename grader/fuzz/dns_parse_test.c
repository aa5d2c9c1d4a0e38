/* dns_parse_test.c — tests unitaires de l'analyseur DNS du lab 05 (sortie TAP).
 *
 * One "ok N - …" / "not ok N - …" line per check, then "1..N"; exit 0 iff
 * all passed. With "--corpus DIR", writes every message below into DIR as
 * a seed for the fuzzer instead (grader/fuzz/corpus/). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dns_parse.h"

static int count, failed;
static const char *corpus_dir;

static void check(int ok, const char *what)
{
    count++;
    failed += !ok;
    if (corpus_dir == NULL)
        printf("%s %d - %s\n", ok ? "ok" : "not ok", count, what);
}

/* Message builder: header with our question "a.test" type A. */
struct msg {
    unsigned char b[2048];
    size_t n;
};

static void put(struct msg *m, const void *p, size_t n) { memcpy(m->b + m->n, p, n); m->n += n; }
static void put8(struct msg *m, unsigned v) { m->b[m->n++] = (unsigned char)v; }
static void put16(struct msg *m, unsigned v) { put8(m, v >> 8); put8(m, v & 0xFF); }

static void start(struct msg *m, unsigned flags, unsigned an)
{
    static const unsigned char q[] = {1, 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};
    m->n = 0;
    put16(m, 0x1234);
    put16(m, flags);
    put16(m, 1);
    put16(m, an);
    put16(m, 0);
    put16(m, 0);
    put(m, q, sizeof q);
}

/* A record head with owner bytes given, then TYPE CLASS TTL RDLENGTH. */
static void rr(struct msg *m, unsigned type, unsigned rdlen)
{
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, 300);
    put16(m, rdlen);
}

static void save(const char *name, const struct msg *m)
{
    char path[512];
    FILE *f;

    if (corpus_dir == NULL)
        return;
    snprintf(path, sizeof path, "%s/%s", corpus_dir, name);
    f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(m->b, 1, m->n, f);
        fclose(f);
    }
}

/* Parses m (saved as a seed) and checks the status. The message ends
 * right before an inaccessible page: a parser that reads even one byte past
 * it is killed (SIGSEGV) here, where a larger buffer would hide the read. */
static enum dns_status parse(const char *name, const struct msg *m,
                             struct dns_reply *r)
{
    static unsigned char *area;
    static size_t span;
    unsigned char *copy;

    save(name, m);
    if (area == NULL) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        span = (sizeof m->b + page - 1) / page * page;
        area = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (area == MAP_FAILED || mprotect(area + span, page, PROT_NONE) < 0) {
            perror("dns_parse_test: mmap");
            exit(2);
        }
    }
    copy = area + span - m->n;
    memcpy(copy, m->b, m->n);
    return dns_parse_reply(copy, m->n, r);
}

static void test_encode(void)
{
    unsigned char out[300];
    size_t len = 0;
    char name[300];

    check(dns_encode_name("www.example.com", out, sizeof out, &len) == DNS_OK &&
              len == 17 && memcmp(out, "\3www\7example\3com\0", 17) == 0,
          "encodage : www.example.com en étiquettes");
    check(dns_encode_name("example.com.", out, sizeof out, &len) == DNS_OK && len == 13,
          "encodage : point final accepté");
    memset(name, 'a', 63);
    strcpy(name + 63, ".b");
    check(dns_encode_name(name, out, sizeof out, &len) == DNS_OK, "encodage : étiquette de 63 octets acceptée");
    memset(name, 'a', 64);
    strcpy(name + 64, ".b");
    check(dns_encode_name(name, out, sizeof out, &len) == DNS_ERR_LABEL, "encodage : étiquette de 64 octets refusée");
    /* 4 labels: 63 + 63 + 63 + 61 + 3 dots = 253 characters. */
    memset(name, 'c', 253);
    name[63] = name[127] = name[191] = '.';
    name[253] = '\0';
    check(dns_encode_name(name, out, sizeof out, &len) == DNS_OK && len == 255,
          "encodage : nom de 253 caractères accepté (255 octets)");
    strcpy(name + 253, ".");
    check(dns_encode_name(name, out, sizeof out, &len) == DNS_OK && len == 255,
          "encodage : nom de 253 caractères suivi du point final accepté (255 octets)");
    strcpy(name + 253, "c");
    check(dns_encode_name(name, out, sizeof out, &len) == DNS_ERR_NAME_LONG,
          "encodage : nom de 254 caractères refusé");
    check(dns_encode_name("a.test", out, 8, &len) == DNS_OK && len == 8,
          "encodage : a.test dans un tampon de 8 octets, tout juste assez");
    check(dns_encode_name("a.test", out, 7, &len) == DNS_ERR_NAME_LONG,
          "encodage : a.test dans un tampon de 7 octets refusé (DNS_ERR_NAME_LONG)");
    check(dns_encode_name(".", out, sizeof out, &len) == DNS_ERR_EMPTY_LABEL, "encodage : « . » seul refusé");
    check(dns_encode_name("a..", out, sizeof out, &len) == DNS_ERR_EMPTY_LABEL,
          "encodage : a.. refusé (une étiquette vide avant le point final)");
    check(dns_encode_name("a..b", out, sizeof out, &len) == DNS_ERR_EMPTY_LABEL, "encodage : a..b refusé");
    check(dns_encode_name("", out, sizeof out, &len) == DNS_ERR_EMPTY_LABEL, "encodage : nom vide refusé");
    check(dns_encode_name(".x", out, sizeof out, &len) == DNS_ERR_EMPTY_LABEL, "encodage : .x refusé");
    check(dns_encode_name("a.b", out, 3, &len) != DNS_OK, "encodage : tampon trop petit refusé");
}

static void test_query(void)
{
    unsigned char q[DNS_HEADER_LEN + DNS_MAX_WIRE_NAME + 4];
    size_t len = 0;

    check(dns_build_query(0xBEEF, "a.test", DNS_TYPE_AAAA, q, sizeof q, &len) == DNS_OK &&
              len == 24 && q[0] == 0xBE && q[1] == 0xEF && q[2] == 0x01 && q[3] == 0 &&
              q[5] == 1 && q[7] == 0 && q[21] == 28 && q[23] == 1,
          "requête : ID, RD, une question AAAA classe IN, 24 octets");
}

static void test_valid(void)
{
    static struct dns_reply r;
    struct msg m;
    size_t at;

    start(&m, 0x8180, 2);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x01", 4);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x02", 4);
    check(parse("valid_a", &m, &r) == DNS_OK && r.nrecords == 2 &&
              strcmp(r.an[0].name, "a.test") == 0 && strcmp(r.an[1].data, "192.0.2.2") == 0 &&
              r.an[0].ttl == 300 && r.qr && r.id == 0x1234,
          "réponse : deux A compressés");
    check(dns_reply_matches(&r, 0x1234, "A.Test.", DNS_TYPE_A), "réponse : la question correspond (casse ignorée)");
    check(!dns_reply_matches(&r, 0x1235, "a.test", DNS_TYPE_A), "réponse : autre ID refusé");
    check(!dns_reply_matches(&r, 0x1234, "b.test", DNS_TYPE_A), "réponse : autre question refusée");
    check(!dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_AAAA), "réponse : autre type refusé");

    start(&m, 0x0100, 0);
    parse("query_not_reply", &m, &r);
    check(!r.qr && !dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_A), "réponse : QR à 0 refusé");

    start(&m, 0x8180, 1);
    put(&m, "\1a\4test\0", 8); rr(&m, 28, 16);
    put(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    check(parse("valid_aaaa_plain", &m, &r) == DNS_OK && strcmp(r.an[0].data, "2001:db8::1") == 0,
          "réponse : AAAA avec un nom non compressé");

    start(&m, 0x8180, 2);
    put16(&m, 0xC00C); rr(&m, 5, 6);
    at = m.n;
    put(&m, "\3mid\xc0\x0c", 6);
    put16(&m, 0xC000 | (unsigned)at); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x0a", 4);
    check(parse("valid_cname", &m, &r) == DNS_OK && r.nrecords == 2 &&
              strcmp(r.an[0].data, "mid.a.test") == 0 && strcmp(r.an[1].name, "mid.a.test") == 0,
          "réponse : CNAME puis A, noms compressés en chaîne");

    start(&m, 0x8183, 0);
    check(parse("nxdomain", &m, &r) == DNS_OK && r.rcode == 3, "réponse : RCODE NXDOMAIN lu");
    start(&m, 0x8380, 0);
    check(parse("tc", &m, &r) == DNS_OK && r.tc, "réponse : bit TC lu");

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 16, 3); put(&m, "\2hi", 3);
    check(parse("other_type", &m, &r) == DNS_OK && r.nrecords == 1 && r.an[0].data[0] == '\0',
          "réponse : type inconnu sauté");

    start(&m, 0x8180, 1);
    put(&m, "\3a\x01\x1b\0", 5); rr(&m, 1, 4); put(&m, "\1\2\3\4", 4);
    check(parse("escaped_name", &m, &r) == DNS_OK && strcmp(r.an[0].name, "a\\001\\027") == 0,
          "réponse : octets de contrôle d'un nom échappés (\\DDD)");
}

static void test_hostile(void)
{
    static struct dns_reply r;
    struct msg m;
    size_t at, prev;
    int i, n;

    m.n = 0;
    check(parse("empty", &m, &r) == DNS_ERR_TRUNCATED && !r.header_ok, "hostile : message vide");
    start(&m, 0x8180, 0);
    m.n = 11;
    check(parse("short_header", &m, &r) == DNS_ERR_TRUNCATED && !r.header_ok, "hostile : en-tête de 11 octets");

    start(&m, 0x8180, 1);
    at = m.n;
    put16(&m, 0xC000 | (unsigned)at); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("self_pointer", &m, &r) == DNS_ERR_POINTER, "hostile : pointeur sur lui-même");

    start(&m, 0x8180, 1);
    at = m.n;
    put(&m, "\1x", 2); put16(&m, 0xC000 | (unsigned)at); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("loop_pointer", &m, &r) == DNS_ERR_POINTER, "hostile : boucle (étiquette puis pointeur vers son début)");

    start(&m, 0x8180, 1);
    at = m.n;
    put16(&m, 0xC000 | (unsigned)(at + 16)); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4); put(&m, "\1y\0", 3);
    check(parse("forward_pointer", &m, &r) == DNS_ERR_POINTER, "hostile : pointeur vers l'avant");

    start(&m, 0x8180, 1);
    put16(&m, 0xFFF0); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("pointer_past_end", &m, &r) == DNS_ERR_POINTER, "hostile : pointeur hors du message");

    start(&m, 0x8180, 1);
    put8(&m, 0xC0);
    check(parse("pointer_cut", &m, &r) == DNS_ERR_TRUNCATED, "hostile : pointeur coupé (1 octet)");

    start(&m, 0x8180, 1);
    put8(&m, 64);
    for (i = 0; i < 64; i++)
        put8(&m, 'a');
    put8(&m, 0); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("label_64", &m, &r) == DNS_ERR_LABEL, "hostile : étiquette de 64 octets");

    start(&m, 0x8180, 1);
    put(&m, "\x80\x01", 2);
    check(parse("label_type_80", &m, &r) == DNS_ERR_LABEL, "hostile : type d'étiquette réservé (0x80)");

    start(&m, 0x8180, 1);
    for (i = 0; i < 5; i++) {
        put8(&m, 63);
        memset(m.b + m.n, 'b', 63);
        m.n += 63;
    }
    put8(&m, 0); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("name_320", &m, &r) == DNS_ERR_NAME_LONG, "hostile : nom de 320 octets");

    /* Backwards pointers, each behind a 63-byte label (held in a record of
     * unknown type): legal jumps that build a name over 255 bytes. */
    start(&m, 0x8180, 2);
    put16(&m, 0xC00C); rr(&m, 16, 5 * 66);
    prev = 12;
    for (i = 0; i < 5; i++) {
        size_t here = m.n;
        put8(&m, 63);
        memset(m.b + m.n, 'd', 63);
        m.n += 63;
        put16(&m, 0xC000 | (unsigned)prev);
        prev = here;
    }
    put16(&m, 0xC000 | (unsigned)prev); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("name_long_by_pointers", &m, &r) == DNS_ERR_NAME_LONG,
          "hostile : nom allongé au-delà de 255 octets par pointeurs successifs");

    /* 40 pointers, each to the previous one: all backwards, too many. */
    start(&m, 0x8180, 2);
    put16(&m, 0xC00C); rr(&m, 16, 80);
    prev = 12;
    for (i = 0; i < 40; i++) {
        size_t here = m.n;
        put16(&m, 0xC000 | (unsigned)prev);
        prev = here;
    }
    put16(&m, 0xC000 | (unsigned)prev); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    check(parse("hops_40", &m, &r) == DNS_ERR_HOPS, "hostile : 40 pointeurs à la suite (plafond de sauts)");

    /* A pointer past offset 255: all 14 bits of it count. "far.a.test"
     * sits inside the first record's data, at offset 306. */
    {
        size_t far;

        start(&m, 0x8180, 2);
        put16(&m, 0xC00C); rr(&m, 16, 280);
        memset(m.b + m.n, 'z', 270);
        m.n += 270;
        far = m.n;
        put8(&m, 3); put(&m, "far", 3); put16(&m, 0xC00C);
        put(&m, "zzzz", 4);
        put16(&m, 0xC000 | (unsigned)far); rr(&m, 1, 4); put(&m, "\1\2\3\4", 4);
        check(far > 255 && parse("pointer_far", &m, &r) == DNS_OK && r.nrecords == 2 &&
                  strcmp(r.an[1].name, "far.a.test") == 0 && strcmp(r.an[1].data, "1.2.3.4") == 0,
              "valide : pointeur vers le décalage 306 (au-delà de 255 : les 14 bits comptent)");
    }

    /* The limits themselves: DNS_MAX_HOPS (32) jumps pass, one more does
     * not; a name of exactly 255 octets passes, 256 does not. */
    for (n = 31; n <= 32; n++) {
        start(&m, 0x8180, 2);
        put16(&m, 0xC00C); rr(&m, 16, (unsigned)(2 * n));
        prev = 12;
        for (i = 0; i < n; i++) {
            size_t here = m.n;
            put16(&m, 0xC000 | (unsigned)prev);
            prev = here;
        }
        put16(&m, 0xC000 | (unsigned)prev); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
        if (n == 31)
            check(parse("hops_32", &m, &r) == DNS_OK, "limite : 32 sauts de pointeur acceptés (DNS_MAX_HOPS)");
        else
            check(parse("hops_33", &m, &r) == DNS_ERR_HOPS, "limite : 33 sauts de pointeur refusés");
    }
    for (n = 61; n <= 62; n++) {
        start(&m, 0x8180, 1);
        for (i = 0; i < 3; i++) {
            put8(&m, 63);
            memset(m.b + m.n, 'e', 63);
            m.n += 63;
        }
        put8(&m, (unsigned)n);
        memset(m.b + m.n, 'f', (size_t)n);
        m.n += (size_t)n;
        put8(&m, 0);
        rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
        if (n == 61)
            check(parse("name_255", &m, &r) == DNS_OK, "limite : nom de 255 octets exactement accepté");
        else
            check(parse("name_256", &m, &r) == DNS_ERR_NAME_LONG, "limite : nom de 256 octets refusé");
    }

    start(&m, 0x8180, 5);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x28", 4);
    check(parse("ancount_lies", &m, &r) == DNS_ERR_COUNT, "hostile : ANCOUNT plus grand que les enregistrements");

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00", 2);
    check(parse("cut_rdata", &m, &r) == DNS_ERR_TRUNCATED, "hostile : message coupé dans les données");

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); put16(&m, 1); put8(&m, 0);
    check(parse("cut_fixed", &m, &r) == DNS_ERR_TRUNCATED, "hostile : message coupé dans TYPE/CLASS");

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 1, 5); put(&m, "\1\2\3\4\5", 5);
    check(parse("a_rdlen_5", &m, &r) == DNS_ERR_RDATA, "hostile : A de 5 octets");

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 5, 2); put(&m, "\5abcde\0", 7);
    check(parse("cname_past_rdata", &m, &r) != DNS_OK, "hostile : nom du CNAME plus long que ses données");

    start(&m, 0x8180, 0);
    m.b[5] = 0;
    check(parse("no_question", &m, &r) == DNS_OK && !dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_A),
          "réponse sans question : analysée, mais pas la nôtre");

    start(&m, 0x8180, 0);
    m.b[5] = 3; /* three questions announced, one present */
    check(parse("qdcount_lies", &m, &r) == DNS_ERR_TRUNCATED, "hostile : QDCOUNT plus grand que les questions");

    start(&m, 0x8180, 100);
    for (i = 0; i < 100; i++) {
        put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\1\1\1\1", 4);
    }
    check(parse("many_records", &m, &r) == DNS_OK && r.nrecords == DNS_MAX_RECORDS &&
              r.omitted == 100 - DNS_MAX_RECORDS,
          "réponse : 100 enregistrements, 64 gardés, le reste compté");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--corpus") == 0)
        corpus_dir = argv[2];
    /* Each line out at once: after a crash, the last one tells where. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_encode();
    test_query();
    test_valid();
    test_hostile();
    if (corpus_dir != NULL)
        return 0;
    printf("1..%d\n", count);
    return failed != 0;
}
