/* dns_parse_test.c — tests unitaires de l'analyseur DNS du lab 05 (sortie TAP).
 *
 * One "ok N - …" / "not ok N - … — WHY" line per check, then "1..N"; exit
 * 0 iff all passed. WHY says what differed: the status expected and the one
 * obtained (or the field), a time limit hit (an endless loop), or a crash
 * (a read past the message's end, the stack used up, another bad access).
 * A check that loops or crashes is abandoned and the next ones still run:
 * every failed check is listed. With "--corpus DIR", writes every message
 * below into DIR as a seed for the fuzzer instead (grader/fuzz/corpus/). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "dns_parse.h"

/* Seconds of wall time for one check: each takes microseconds, even under
 * valgrind; only an endless loop reaches this. */
#define CHECK_LIMIT_S 2

static int count, failed;
static const char *corpus_dir;
static const char *current, *last_ok;
static char detail[512]; /* the first condition that failed in this check */

/* Where the message under test ends (the guard page starts there). */
static unsigned char *area_end;
static volatile size_t cur_len;
static volatile int in_parse;
static char *stack_top;

static sigjmp_buf escape;
static volatile sig_atomic_t caught;
static void *volatile fault_addr;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    caught = sig;
    fault_addr = si->si_addr;
    siglongjmp(escape, 1);
}

static void set_timer(int seconds)
{
    struct itimerval t = {{0, 0}, {seconds, 0}};
    setitimer(ITIMER_REAL, &t, NULL);
}

/* Handlers on their own stack: a recursion without end uses the main one
 * up, and must still be told. */
static void guard_signals(void)
{
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    struct sigaction sa;
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM};
    size_t i;

    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

static void note(const char *fmt, ...)
{
    va_list ap;

    if (detail[0] != '\0')
        return;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
}

static const char *status_name(enum dns_status st, char *buf, size_t size)
{
    static const char *const names[] = {
        "DNS_OK", "DNS_ERR_TRUNCATED", "DNS_ERR_COUNT", "DNS_ERR_LABEL", "DNS_ERR_NAME_LONG",
        "DNS_ERR_POINTER", "DNS_ERR_HOPS", "DNS_ERR_RDATA", "DNS_ERR_EMPTY_LABEL",
    };
    if ((unsigned)st < sizeof names / sizeof names[0])
        return names[st];
    snprintf(buf, size, "%d (aucun statut de dns_parse.h)", (int)st);
    return buf;
}

static int want_status(enum dns_status got, enum dns_status want)
{
    char b1[48], b2[48];

    if (got == want)
        return 1;
    note("statut attendu %s, obtenu %s", status_name(want, b1, sizeof b1), status_name(got, b2, sizeof b2));
    return 0;
}

static int want_error(enum dns_status got)
{
    if (got != DNS_OK)
        return 1;
    note("statut attendu : une erreur, obtenu DNS_OK");
    return 0;
}

static int want_num(const char *field, long long got, long long want)
{
    if (got == want)
        return 1;
    note("%s : attendu %lld, obtenu %lld", field, want, got);
    return 0;
}

/* got is a field of the reply, filled by the code under test: bounded and
 * its control bytes shown as '?'. */
static int want_str(const char *field, const char *got, const char *want)
{
    char shown[72];
    size_t i;

    if (strncmp(got, want, DNS_NAME_BUF) == 0)
        return 1;
    for (i = 0; i + 1 < sizeof shown && i < DNS_NAME_BUF && got[i] != '\0'; i++)
        shown[i] = (unsigned char)got[i] < 0x20 || got[i] == 0x7f ? '?' : got[i];
    shown[i] = '\0';
    note("%s : attendu « %s », obtenu « %s%s »", field, want, shown,
         i + 1 == sizeof shown ? "…" : "");
    return 0;
}

static void begin(const char *what)
{
    current = what;
    detail[0] = '\0';
    in_parse = 0;
    caught = 0;
    if (corpus_dir == NULL)
        set_timer(CHECK_LIMIT_S);
}

static void end(int ok)
{
    if (corpus_dir == NULL)
        set_timer(0);
    count++;
    failed += !ok;
    if (corpus_dir != NULL)
        return;
    if (ok) {
        printf("ok %d - %s\n", count, current);
        last_ok = current;
    } else {
        printf("not ok %d - %s — %s\n", count, current, detail[0] != '\0' ? detail : "condition fausse");
    }
}

/* The check was cut short by a signal: say which, and what it means. */
static void end_signal(void)
{
    uintptr_t addr = (uintptr_t)fault_addr, end_at = (uintptr_t)area_end, top = (uintptr_t)stack_top;
    char lastbuf[300] = "";
    int sig = caught;

    set_timer(0);
    detail[0] = '\0';
    if (last_ok != NULL)
        snprintf(lastbuf, sizeof lastbuf, " ; dernier test réussi : « %s »", last_ok);
    if (sig == SIGALRM)
        note("délai de %d s dépassé : boucle sans fin probable%s, le test est abandonné%s", CHECK_LIMIT_S,
             in_parse ? " (une boucle de pointeurs de compression ? chaque pointeur doit viser"
                        " strictement avant, au plus DNS_MAX_HOPS sauts)" : "",
             lastbuf);
    else if ((sig == SIGSEGV || sig == SIGBUS) && in_parse && addr >= end_at &&
             addr < end_at + (uintptr_t)sysconf(_SC_PAGESIZE))
        note("plantage (SIG%s) : une lecture après la fin du message (msg[%zu], le message a %zu octets)%s",
             sig == SIGSEGV ? "SEGV" : "BUS", cur_len + (size_t)(addr - end_at), cur_len, lastbuf);
    else if (sig == SIGSEGV && addr < top && addr > top - 256UL * 1024 * 1024)
        note("plantage (SIGSEGV) : pile épuisée, une récursion sans fin%s%s",
             in_parse ? " (une boucle de pointeurs de compression ?)" : "", lastbuf);
    else
        note("plantage (%s) : %s%s",
             sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE"
                            : sig == SIGILL ? "SIGILL" : "SIGABRT",
             sig == SIGSEGV || sig == SIGBUS ? "accès mémoire invalide, hors du message (essayez valgrind)"
             : sig == SIGFPE ? "erreur arithmétique (une division par zéro ?)"
             : sig == SIGABRT ? "abandon (un assert, ou la glibc a vu une corruption mémoire)"
                              : "instruction illégale",
             lastbuf);
    end(0);
}

/* CHECK(what, cond): one TAP line. cond runs under the time limit, and a
 * crash inside it comes back here (siglongjmp) as a failure of this check.
 * Nothing local to the caller changes inside cond: no variable needs
 * volatile across the jump. */
#define CHECK(what, cond)                 \
    do {                                  \
        begin(what);                      \
        if (sigsetjmp(escape, 1) == 0)    \
            end(cond);                    \
        else                              \
            end_signal();                 \
    } while (0)

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

/* Parses m (saved as a seed) and returns the status. The message ends
 * right before an inaccessible page: a parser that reads even one byte past
 * it is stopped (SIGSEGV) here, where a larger buffer would hide the read. */
static enum dns_status parse(const char *name, const struct msg *m,
                             struct dns_reply *r)
{
    static unsigned char *area;
    static size_t span;
    unsigned char *copy;
    enum dns_status st;

    save(name, m);
    if (area == NULL) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE);
        span = (sizeof m->b + page - 1) / page * page;
        area = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (area == MAP_FAILED || mprotect(area + span, page, PROT_NONE) < 0) {
            perror("dns_parse_test: mmap");
            exit(2);
        }
        area_end = area + span;
    }
    copy = area + span - m->n;
    memcpy(copy, m->b, m->n);
    cur_len = m->n;
    in_parse = 1;
    st = dns_parse_reply(copy, m->n, r);
    in_parse = 0;
    return st;
}

static void test_encode(void)
{
    static unsigned char out[300];
    static size_t len;
    static char name[300];
    enum dns_status st;

#define ENC(text, size) (len = 0, st = dns_encode_name(text, out, size, &len))
    CHECK("encodage : www.example.com en étiquettes",
          want_status(ENC("www.example.com", sizeof out), DNS_OK) && want_num("longueur", (long long)len, 17) &&
              want_num("octets identiques à 3www7example3com0", memcmp(out, "\3www\7example\3com\0", 17) == 0, 1));
    CHECK("encodage : point final accepté",
          want_status(ENC("example.com.", sizeof out), DNS_OK) && want_num("longueur", (long long)len, 13));
    memset(name, 'a', 63);
    strcpy(name + 63, ".b");
    CHECK("encodage : étiquette de 63 octets acceptée", want_status(ENC(name, sizeof out), DNS_OK));
    memset(name, 'a', 64);
    strcpy(name + 64, ".b");
    CHECK("encodage : étiquette de 64 octets refusée", want_status(ENC(name, sizeof out), DNS_ERR_LABEL));
    /* 4 labels: 63 + 63 + 63 + 61 + 3 dots = 253 characters. */
    memset(name, 'c', 253);
    name[63] = name[127] = name[191] = '.';
    name[253] = '\0';
    CHECK("encodage : nom de 253 caractères accepté (255 octets)",
          want_status(ENC(name, sizeof out), DNS_OK) && want_num("longueur", (long long)len, 255));
    strcpy(name + 253, ".");
    CHECK("encodage : nom de 253 caractères suivi du point final accepté (255 octets)",
          want_status(ENC(name, sizeof out), DNS_OK) && want_num("longueur", (long long)len, 255));
    strcpy(name + 253, "c");
    CHECK("encodage : nom de 254 caractères refusé", want_status(ENC(name, sizeof out), DNS_ERR_NAME_LONG));
    CHECK("encodage : a.test dans un tampon de 8 octets, tout juste assez",
          want_status(ENC("a.test", 8), DNS_OK) && want_num("longueur", (long long)len, 8));
    CHECK("encodage : a.test dans un tampon de 7 octets refusé (DNS_ERR_NAME_LONG)",
          want_status(ENC("a.test", 7), DNS_ERR_NAME_LONG));
    CHECK("encodage : « . » seul refusé", want_status(ENC(".", sizeof out), DNS_ERR_EMPTY_LABEL));
    CHECK("encodage : a.. refusé (une étiquette vide avant le point final)",
          want_status(ENC("a..", sizeof out), DNS_ERR_EMPTY_LABEL));
    CHECK("encodage : a..b refusé", want_status(ENC("a..b", sizeof out), DNS_ERR_EMPTY_LABEL));
    CHECK("encodage : nom vide refusé", want_status(ENC("", sizeof out), DNS_ERR_EMPTY_LABEL));
    CHECK("encodage : .x refusé", want_status(ENC(".x", sizeof out), DNS_ERR_EMPTY_LABEL));
    CHECK("encodage : tampon trop petit refusé", want_error(ENC("a.b", 3)));
#undef ENC
}

static void test_query(void)
{
    static unsigned char q[DNS_HEADER_LEN + DNS_MAX_WIRE_NAME + 4];
    static size_t len;

    CHECK("requête : ID, RD, une question AAAA classe IN, 24 octets",
          want_status(dns_build_query(0xBEEF, "a.test", DNS_TYPE_AAAA, q, sizeof q, &len), DNS_OK) &&
              want_num("longueur", (long long)len, 24) && want_num("ID (octets 0-1)", q[0] << 8 | q[1], 0xBEEF) &&
              want_num("drapeaux (octets 2-3)", q[2] << 8 | q[3], 0x0100) &&
              want_num("QDCOUNT (octet 5)", q[5], 1) && want_num("ANCOUNT (octet 7)", q[7], 0) &&
              want_num("QTYPE (octet 21)", q[21], 28) && want_num("QCLASS (octet 23)", q[23], 1));
}

static void test_valid(void)
{
    static struct dns_reply r;
    struct msg m;
    size_t at;

    start(&m, 0x8180, 2);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x01", 4);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x02", 4);
    CHECK("réponse : deux A compressés",
          want_status(parse("valid_a", &m, &r), DNS_OK) && want_num("nrecords", (long long)r.nrecords, 2) &&
              want_str("an[0].name", r.an[0].name, "a.test") && want_str("an[1].data", r.an[1].data, "192.0.2.2") &&
              want_num("an[0].ttl", r.an[0].ttl, 300) && want_num("qr", r.qr, 1) && want_num("id", r.id, 0x1234));
    CHECK("réponse : la question correspond (casse ignorée)",
          want_num("dns_reply_matches(r, 0x1234, \"A.Test.\", A)", dns_reply_matches(&r, 0x1234, "A.Test.", DNS_TYPE_A), 1));
    CHECK("réponse : autre ID refusé",
          want_num("dns_reply_matches(r, 0x1235, \"a.test\", A)", dns_reply_matches(&r, 0x1235, "a.test", DNS_TYPE_A), 0));
    CHECK("réponse : autre question refusée",
          want_num("dns_reply_matches(r, 0x1234, \"b.test\", A)", dns_reply_matches(&r, 0x1234, "b.test", DNS_TYPE_A), 0));
    CHECK("réponse : autre type refusé",
          want_num("dns_reply_matches(r, 0x1234, \"a.test\", AAAA)", dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_AAAA), 0));

    start(&m, 0x0100, 0);
    CHECK("réponse : QR à 0 refusé",
          (parse("query_not_reply", &m, &r), want_num("qr", r.qr, 0)) &&
              want_num("dns_reply_matches(r, 0x1234, \"a.test\", A)", dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_A), 0));

    start(&m, 0x8180, 1);
    put(&m, "\1a\4test\0", 8); rr(&m, 28, 16);
    put(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    CHECK("réponse : AAAA avec un nom non compressé",
          want_status(parse("valid_aaaa_plain", &m, &r), DNS_OK) && want_str("an[0].data", r.an[0].data, "2001:db8::1"));

    start(&m, 0x8180, 2);
    put16(&m, 0xC00C); rr(&m, 5, 6);
    at = m.n;
    put(&m, "\3mid\xc0\x0c", 6);
    put16(&m, 0xC000 | (unsigned)at); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x0a", 4);
    CHECK("réponse : CNAME puis A, noms compressés en chaîne",
          want_status(parse("valid_cname", &m, &r), DNS_OK) && want_num("nrecords", (long long)r.nrecords, 2) &&
              want_str("an[0].data", r.an[0].data, "mid.a.test") && want_str("an[1].name", r.an[1].name, "mid.a.test"));

    start(&m, 0x8183, 0);
    CHECK("réponse : RCODE NXDOMAIN lu",
          want_status(parse("nxdomain", &m, &r), DNS_OK) && want_num("rcode", r.rcode, 3));
    start(&m, 0x8380, 0);
    CHECK("réponse : bit TC lu", want_status(parse("tc", &m, &r), DNS_OK) && want_num("tc", r.tc != 0, 1));

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 16, 3); put(&m, "\2hi", 3);
    CHECK("réponse : type inconnu sauté",
          want_status(parse("other_type", &m, &r), DNS_OK) && want_num("nrecords", (long long)r.nrecords, 1) &&
              want_str("an[0].data", r.an[0].data, ""));

    start(&m, 0x8180, 1);
    put(&m, "\3a\x01\x1b\0", 5); rr(&m, 1, 4); put(&m, "\1\2\3\4", 4);
    CHECK("réponse : octets de contrôle d'un nom échappés (\\DDD)",
          want_status(parse("escaped_name", &m, &r), DNS_OK) && want_str("an[0].name", r.an[0].name, "a\\001\\027"));
}

static void test_hostile(void)
{
    static struct dns_reply r;
    struct msg m;
    size_t at, prev;
    int i, n;

    m.n = 0;
    CHECK("hostile : message vide",
          want_status(parse("empty", &m, &r), DNS_ERR_TRUNCATED) && want_num("header_ok", r.header_ok, 0));
    start(&m, 0x8180, 0);
    m.n = 11;
    CHECK("hostile : en-tête de 11 octets",
          want_status(parse("short_header", &m, &r), DNS_ERR_TRUNCATED) && want_num("header_ok", r.header_ok, 0));

    start(&m, 0x8180, 1);
    at = m.n;
    put16(&m, 0xC000 | (unsigned)at); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    CHECK("hostile : pointeur sur lui-même", want_status(parse("self_pointer", &m, &r), DNS_ERR_POINTER));

    start(&m, 0x8180, 1);
    at = m.n;
    put(&m, "\1x", 2); put16(&m, 0xC000 | (unsigned)at); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    CHECK("hostile : boucle (étiquette puis pointeur vers son début)",
          want_status(parse("loop_pointer", &m, &r), DNS_ERR_POINTER));

    start(&m, 0x8180, 1);
    at = m.n;
    put16(&m, 0xC000 | (unsigned)(at + 16)); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4); put(&m, "\1y\0", 3);
    CHECK("hostile : pointeur vers l'avant", want_status(parse("forward_pointer", &m, &r), DNS_ERR_POINTER));

    start(&m, 0x8180, 1);
    put16(&m, 0xFFF0); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    CHECK("hostile : pointeur hors du message", want_status(parse("pointer_past_end", &m, &r), DNS_ERR_POINTER));

    start(&m, 0x8180, 1);
    put8(&m, 0xC0);
    CHECK("hostile : pointeur coupé (1 octet)", want_status(parse("pointer_cut", &m, &r), DNS_ERR_TRUNCATED));

    /* A label longer than what is left: one byte short, then nothing left
     * after its length byte (the subtraction that checks it must not wrap). */
    start(&m, 0x8180, 1);
    put(&m, "\3ab", 3);
    CHECK("hostile : étiquette coupée par la fin du message (3 octets annoncés, 2 présents)",
          want_status(parse("label_cut", &m, &r), DNS_ERR_TRUNCATED));
    start(&m, 0x8180, 1);
    put8(&m, 3);
    CHECK("hostile : message fini juste après une longueur d'étiquette",
          want_status(parse("label_len_last", &m, &r), DNS_ERR_TRUNCATED));

    start(&m, 0x8180, 1);
    put8(&m, 0); rr(&m, 1, 4); put(&m, "\1\2\3\4", 4);
    CHECK("réponse : enregistrement au nom de la racine, écrit « . »",
          want_status(parse("root_owner", &m, &r), DNS_OK) && want_str("an[0].name", r.an[0].name, "."));

    start(&m, 0x8180, 1);
    put8(&m, 64);
    for (i = 0; i < 64; i++)
        put8(&m, 'a');
    put8(&m, 0); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    CHECK("hostile : étiquette de 64 octets", want_status(parse("label_64", &m, &r), DNS_ERR_LABEL));

    start(&m, 0x8180, 1);
    put(&m, "\x80\x01", 2);
    CHECK("hostile : type d'étiquette réservé (0x80)", want_status(parse("label_type_80", &m, &r), DNS_ERR_LABEL));

    start(&m, 0x8180, 1);
    for (i = 0; i < 5; i++) {
        put8(&m, 63);
        memset(m.b + m.n, 'b', 63);
        m.n += 63;
    }
    put8(&m, 0); rr(&m, 1, 4); put(&m, "\6\6\6\6", 4);
    CHECK("hostile : nom de 320 octets", want_status(parse("name_320", &m, &r), DNS_ERR_NAME_LONG));

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
    CHECK("hostile : nom allongé au-delà de 255 octets par pointeurs successifs",
          want_status(parse("name_long_by_pointers", &m, &r), DNS_ERR_NAME_LONG));

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
    CHECK("hostile : 40 pointeurs à la suite (plafond de sauts)", want_status(parse("hops_40", &m, &r), DNS_ERR_HOPS));

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
        CHECK("valide : pointeur vers le décalage 306 (au-delà de 255 : les 14 bits comptent)",
              far > 255 && want_status(parse("pointer_far", &m, &r), DNS_OK) &&
                  want_num("nrecords", (long long)r.nrecords, 2) && want_str("an[1].name", r.an[1].name, "far.a.test") &&
                  want_str("an[1].data", r.an[1].data, "1.2.3.4"));
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
            CHECK("limite : 32 sauts de pointeur acceptés (DNS_MAX_HOPS)", want_status(parse("hops_32", &m, &r), DNS_OK));
        else
            CHECK("limite : 33 sauts de pointeur refusés", want_status(parse("hops_33", &m, &r), DNS_ERR_HOPS));
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
            CHECK("limite : nom de 255 octets exactement accepté", want_status(parse("name_255", &m, &r), DNS_OK));
        else
            CHECK("limite : nom de 256 octets refusé", want_status(parse("name_256", &m, &r), DNS_ERR_NAME_LONG));
    }

    start(&m, 0x8180, 5);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00\x02\x28", 4);
    CHECK("hostile : ANCOUNT plus grand que les enregistrements",
          want_status(parse("ancount_lies", &m, &r), DNS_ERR_COUNT));

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\xc0\x00", 2);
    CHECK("hostile : message coupé dans les données", want_status(parse("cut_rdata", &m, &r), DNS_ERR_TRUNCATED));

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); put16(&m, 1); put8(&m, 0);
    CHECK("hostile : message coupé dans TYPE/CLASS", want_status(parse("cut_fixed", &m, &r), DNS_ERR_TRUNCATED));

    /* Two of TTL's four bytes: read as RDLENGTH (0) they would make an
     * empty A record (DNS_ERR_RDATA) instead of a cut message. */
    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); put16(&m, 1); put16(&m, 1); put16(&m, 0);
    CHECK("hostile : message coupé dans le TTL", want_status(parse("cut_ttl", &m, &r), DNS_ERR_TRUNCATED));

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 1, 5); put(&m, "\1\2\3\4\5", 5);
    CHECK("hostile : A de 5 octets", want_status(parse("a_rdlen_5", &m, &r), DNS_ERR_RDATA));

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 5, 2); put(&m, "\5abcde\0", 7);
    CHECK("hostile : nom du CNAME plus long que ses données", want_error(parse("cname_past_rdata", &m, &r)));

    /* The CNAME's own status comes back as it is: here a forward pointer. */
    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 5, 2);
    at = m.n;
    put16(&m, 0xC000 | (unsigned)(at + 2)); put(&m, "\1y\0", 3);
    CHECK("hostile : CNAME dont le nom pointe vers l'avant",
          want_status(parse("cname_forward_pointer", &m, &r), DNS_ERR_POINTER));

    start(&m, 0x8180, 1);
    put16(&m, 0xC00C); rr(&m, 5, 4); put(&m, "\1b\0X", 4);
    CHECK("hostile : données du CNAME plus longues que son nom",
          want_status(parse("cname_short_name", &m, &r), DNS_ERR_RDATA));

    start(&m, 0x8180, 0);
    m.b[5] = 0;
    CHECK("réponse sans question : analysée, mais pas la nôtre",
          want_status(parse("no_question", &m, &r), DNS_OK) &&
              want_num("dns_reply_matches(r, 0x1234, \"a.test\", A)", dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_A), 0));

    start(&m, 0x8180, 0);
    m.b[5] = 3; /* three questions announced, one present */
    CHECK("hostile : QDCOUNT plus grand que les questions",
          want_status(parse("qdcount_lies", &m, &r), DNS_ERR_TRUNCATED));

    start(&m, 0x8180, 100);
    for (i = 0; i < 100; i++) {
        put16(&m, 0xC00C); rr(&m, 1, 4); put(&m, "\1\1\1\1", 4);
    }
    CHECK("réponse : 100 enregistrements, 64 gardés, le reste compté",
          want_status(parse("many_records", &m, &r), DNS_OK) &&
              want_num("nrecords", (long long)r.nrecords, DNS_MAX_RECORDS) &&
              want_num("omitted", (long long)r.omitted, 100 - DNS_MAX_RECORDS));
}

int main(int argc, char **argv)
{
    char top;

    if (argc == 3 && strcmp(argv[1], "--corpus") == 0)
        corpus_dir = argv[2];
    stack_top = &top;
    /* Each line out at once: after a crash, the last one tells where. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (corpus_dir == NULL)
        guard_signals();
    test_encode();
    test_query();
    test_valid();
    test_hostile();
    if (corpus_dir != NULL)
        return 0;
    printf("1..%d\n", count);
    return failed != 0;
}
