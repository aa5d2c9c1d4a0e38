/* fakedns — faux serveur DNS (UDP) : une réponse, honnête ou hostile, par nom demandé. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <inttypes.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "fake.h"
#include "io.h"
#include "net.h"

#define MSG_MAX 4096

/* The message under construction (bounds: the scenarios stay far below). */
struct msg {
    unsigned char b[MSG_MAX];
    size_t n;
};

struct query {
    uint16_t id, qtype;
    char name[256];          /* lower case, no final dot */
    const unsigned char *q;  /* the question section, copied into replies */
    size_t qlen;
};

/* The records a test checks, drawn from the seed (-s): a program that cannot
 * ask this server cannot know them. IPv4 addresses in 127.0.0.0/8, IPv6 in
 * the documentation prefix 2001:db8::/32 (printed, never contacted). */
static struct zone {
    unsigned char multi[3][4], v6[2][16], alias[4], plain[2][4], decoy[4];
    unsigned char dbl4[4], dbl6[16];
    uint32_t multi_ttl, v6_ttl, alias_ttl, plain_ttl, decoy_ttl;
    char rev4[64], rev6[80];  /* PTR owners of dbl4 and dbl6 */
    char host[32], canon[32]; /* their name; sandbox's canonical name */
} z;

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    unsigned char b[4];
    gen_bytes(&rng, b, sizeof b);
    return ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]) % n;
}

static void rnd_v4(unsigned char a[4])
{
    a[0] = 127;
    a[1] = (unsigned char)(1 + rnd(254));
    a[2] = (unsigned char)rnd(256);
    a[3] = (unsigned char)(1 + rnd(250));
}

static void rnd_v6(unsigned char a[16])
{
    static const unsigned char prefix[4] = {0x20, 0x01, 0x0d, 0xb8};
    memcpy(a, prefix, sizeof prefix);
    gen_bytes(&rng, a + 4, 12);
    a[15] |= 1; /* never the all-zero tail */
}

static uint32_t rnd_ttl(void) { return 30 + rnd(86000); }

static void make_zone(uint64_t seed)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, n = 0;

    rng = seed;
    rnd_v4(z.multi[0]);
    for (i = 1; i < 3; i++) { /* three in a row: 127.a.b.c, c+1, c+2 */
        memcpy(z.multi[i], z.multi[0], 4);
        z.multi[i][3] = (unsigned char)(z.multi[0][3] + i);
    }
    rnd_v6(z.v6[0]);
    rnd_v6(z.v6[1]);
    rnd_v4(z.alias);
    rnd_v4(z.plain[0]);
    memcpy(z.plain[1], z.plain[0], 4);
    z.plain[1][3]++;
    rnd_v4(z.decoy);
    rnd_v4(z.dbl4);
    rnd_v6(z.dbl6);
    z.multi_ttl = rnd_ttl(); z.v6_ttl = rnd_ttl(); z.alias_ttl = rnd_ttl();
    z.plain_ttl = rnd_ttl(); z.decoy_ttl = rnd_ttl();
    snprintf(z.host, sizeof z.host, "nom-%06" PRIx32 ".test", rnd(1u << 24));
    snprintf(z.canon, sizeof z.canon, "poste-%06" PRIx32 ".test", rnd(1u << 24));
    snprintf(z.rev4, sizeof z.rev4, "%u.%u.%u.%u.in-addr.arpa", z.dbl4[3],
             z.dbl4[2], z.dbl4[1], z.dbl4[0]);
    for (i = 16; i-- > 0;) {
        z.rev6[n++] = hex[z.dbl6[i] & 15];
        z.rev6[n++] = '.';
        z.rev6[n++] = hex[z.dbl6[i] >> 4];
        z.rev6[n++] = '.';
    }
    snprintf(z.rev6 + n, sizeof z.rev6 - n, "ip6.arpa");
}

static const char *ntop(int af, const unsigned char *a)
{
    static char buf[4][INET6_ADDRSTRLEN];
    static int k;
    k = (k + 1) % 4;
    return inet_ntop(af, a, buf[k], sizeof buf[k]);
}

/* What the tests expect, with -s, before the ready line (on the log, which
 * the program under test never sees): "attendu TYPE NAME : LINE" is a line of
 * dnsquery's output for that query, "zone NAME TYPE DATA" a record. */
static void print_zone(void)
{
    int i;

    for (i = 0; i < 3; i++)
        printf("attendu A multi.test : multi.test A %s (TTL %" PRIu32 " s)\n",
               ntop(AF_INET, z.multi[i]), z.multi_ttl);
    for (i = 0; i < 2; i++)
        printf("attendu AAAA v6.test : v6.test AAAA %s (TTL %" PRIu32 " s)\n",
               ntop(AF_INET6, z.v6[i]), z.v6_ttl);
    printf("attendu A alias.test : alias.test CNAME mid.alias.test (TTL 60 s)\n"
           "attendu A alias.test : mid.alias.test CNAME final.test (TTL 60 s)\n"
           "attendu A alias.test : final.test A %s (TTL %" PRIu32 " s)\n",
           ntop(AF_INET, z.alias), z.alias_ttl);
    for (i = 0; i < 2; i++)
        printf("attendu A plain.test : plain.test A %s (TTL %" PRIu32 " s)\n",
               ntop(AF_INET, z.plain[i]), z.plain_ttl);
    printf("attendu A decoy.test : decoy.test A %s (TTL %" PRIu32 " s)\n",
           ntop(AF_INET, z.decoy), z.decoy_ttl);
    printf("zone double.test A %s\nzone double.test AAAA %s\n"
           "zone %s PTR %s\nzone %s PTR %s\nzone sandbox CNAME %s\n",
           ntop(AF_INET, z.dbl4), ntop(AF_INET6, z.dbl6), z.rev4, z.host,
           z.rev6, z.host, z.canon);
}

static void put8(struct msg *m, unsigned v) { m->b[m->n++] = (unsigned char)v; }
static void put16(struct msg *m, unsigned v) { put8(m, v >> 8 & 0xFF); put8(m, v & 0xFF); }
static void put32(struct msg *m, uint32_t v) { put16(m, v >> 16); put16(m, v & 0xFFFF); }
static void putbytes(struct msg *m, const void *p, size_t n) { memcpy(m->b + m->n, p, n); m->n += n; }

/* A name in full, uncompressed ("a.b" -> 1 a 1 b 0). */
static void putname(struct msg *m, const char *name)
{
    const char *dot;

    while (*name != '\0') {
        dot = strchr(name, '.');
        size_t len = dot ? (size_t)(dot - name) : strlen(name);
        put8(m, (unsigned)len);
        putbytes(m, name, len);
        name += len + (dot ? 1 : 0);
    }
    put8(m, 0);
}

static void header(struct msg *m, uint16_t id, unsigned flags, unsigned qd,
                   unsigned an)
{
    m->n = 0;
    put16(m, id);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, 0);
    put16(m, 0);
}

/* Header + our question copied: flags QR|RD|RA plus extra. */
static void reply_start(struct msg *m, const struct query *q, unsigned extra,
                        unsigned an)
{
    header(m, q->id, 0x8180 | extra, 1, an);
    putbytes(m, q->q, q->qlen);
}

/* Record head: owner as a pointer to the question name (offset 12). */
static void rr_head(struct msg *m, unsigned type, uint32_t ttl, unsigned rdlen)
{
    put16(m, 0xC00C);
    put16(m, type);
    put16(m, 1);
    put32(m, ttl);
    put16(m, rdlen);
}

static void rr_a(struct msg *m, unsigned a, unsigned b, unsigned c, unsigned d,
                 uint32_t ttl)
{
    rr_head(m, 1, ttl, 4);
    put8(m, a); put8(m, b); put8(m, c); put8(m, d);
}

static void rr_addr(struct msg *m, const unsigned char *a, int aaaa, uint32_t ttl)
{
    rr_head(m, aaaa ? 28 : 1, ttl, aaaa ? 16 : 4);
    putbytes(m, a, aaaa ? 16 : 4);
}

/* Parses the query: 0, or -1 when it is not a well-formed question. */
static int parse_query(const unsigned char *p, size_t n, struct query *q)
{
    size_t pos = 12, t = 0;

    if (n < 17)
        return -1;
    q->id = (uint16_t)(p[0] << 8 | p[1]);
    while (pos < n && p[pos] != 0) {
        size_t len = p[pos];
        if (len > 63 || pos + 1 + len >= n || t + len + 1 >= sizeof q->name)
            return -1;
        if (t > 0)
            q->name[t++] = '.';
        for (size_t i = 0; i < len; i++)
            q->name[t++] = (char)tolower(p[pos + 1 + i]);
        pos += 1 + len;
    }
    q->name[t] = '\0';
    if (pos + 5 > n)
        return -1;
    q->qtype = (uint16_t)(p[pos + 1] << 8 | p[pos + 2]);
    q->q = p + 12;
    q->qlen = pos + 5 - 12;
    return 0;
}

static void send_msg(int fd, const struct msg *m, const struct sockaddr *to,
                     socklen_t tolen)
{
    sendto(fd, m->b, m->n, 0, to, tolen);
}

/* Builds and sends what the scenario for q->name says. */
static void answer(int fd, int other, const struct query *q,
                   const struct sockaddr *to, socklen_t tolen)
{
    static struct msg m;
    const char *s = q->name;
    size_t at;
    int a = q->qtype == 1, aaaa = q->qtype == 28;

    if (strcmp(s, "multi.test") == 0 || strcmp(s, "localhost.test") == 0) {
        reply_start(&m, q, 0, a ? 3 : 0);
        if (a) {
            for (int i = 0; i < 3; i++)
                rr_addr(&m, z.multi[i], 0, z.multi_ttl);
        }
    } else if (strcmp(s, "v6.test") == 0) {
        reply_start(&m, q, 0, aaaa ? 2 : 0);
        if (aaaa) {
            rr_addr(&m, z.v6[0], 1, z.v6_ttl);
            rr_addr(&m, z.v6[1], 1, z.v6_ttl);
        }
    } else if (strcmp(s, "alias.test") == 0) {
        /* alias.test CNAME mid.alias.test CNAME final.test A 192.0.2.10 */
        reply_start(&m, q, 0, a ? 3 : 2);
        rr_head(&m, 5, 60, 6);
        at = m.n; /* "mid" + pointer to the question: mid.alias.test */
        put8(&m, 3); putbytes(&m, "mid", 3); put16(&m, 0xC00C);
        put16(&m, 0xC000 | (unsigned)at); /* owner: that name, compressed */
        put16(&m, 5); put16(&m, 1); put32(&m, 60); put16(&m, 12);
        at = m.n;
        putname(&m, "final.test");
        if (a) {
            put16(&m, 0xC000 | (unsigned)at);
            put16(&m, 1); put16(&m, 1); put32(&m, z.alias_ttl); put16(&m, 4);
            putbytes(&m, z.alias, 4);
        }
    } else if (strcmp(s, "plain.test") == 0) {
        /* Owner names in full: the course's "pos += 12" misreads them. */
        reply_start(&m, q, 0, a ? 2 : 0);
        if (a) {
            for (int i = 0; i < 2; i++) {
                putname(&m, "plain.test");
                put16(&m, 1); put16(&m, 1); put32(&m, z.plain_ttl); put16(&m, 4);
                putbytes(&m, z.plain[i], 4);
            }
        }
    } else if (strcmp(s, "nx.test") == 0) {
        reply_start(&m, q, 3, 0);
    } else if (strcmp(s, "fail.test") == 0) {
        reply_start(&m, q, 2, 0);
    } else if (strcmp(s, "tc.test") == 0) {
        /* Truncated, with the part that fit: still not an answer. */
        reply_start(&m, q, 0x0200, 1);
        rr_a(&m, 192, 0, 2, 99, 300);
    } else if (strcmp(s, "refused.test") == 0) {
        reply_start(&m, q, 5, 0); /* RCODE 5, REFUSED */
    } else if (strcmp(s, "decoy.test") == 0) {
        /* Five datagrams that are not the answer, then the answer. */
        reply_start(&m, q, 0, 1);
        rr_a(&m, 6, 6, 6, 1, 1);
        m.b[0] ^= 0x5A; /* another ID */
        send_msg(fd, &m, to, tolen);
        m.b[2] |= 0x02; /* another ID, TC set and cut short: still not ours */
        m.n -= 2;
        send_msg(fd, &m, to, tolen);
        m.n += 2;
        m.b[2] &= 0xFD;
        m.b[0] ^= 0x5A;
        m.b[2] &= 0x7F; /* QR unset: a query, not a reply */
        m.b[m.n - 1] = 2;
        send_msg(fd, &m, to, tolen);
        m.b[2] |= 0x80;
        m.b[m.n - 1] = 3; /* from another port */
        send_msg(other, &m, to, tolen);
        header(&m, q->id, 0x8180, 1, 1); /* right ID, another question */
        putname(&m, "autre.exemple.invalid");
        put16(&m, q->qtype); put16(&m, 1);
        rr_a(&m, 6, 6, 6, 4, 1);
        send_msg(fd, &m, to, tolen);
        sleep_ms(50);
        reply_start(&m, q, 0, a ? 1 : 0);
        if (a)
            rr_addr(&m, z.decoy, 0, z.decoy_ttl);
    } else if (strcmp(s, "silent.test") == 0) {
        return;
    } else if (strcmp(s, "loop.test") == 0) {
        /* Owner "x" then a pointer to its own start: a loop. */
        reply_start(&m, q, 0, 1);
        at = m.n;
        put8(&m, 1); put8(&m, 'x'); put16(&m, 0xC000 | (unsigned)at);
        put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put32(&m, 0x06060606);
    } else if (strcmp(s, "self.test") == 0) {
        reply_start(&m, q, 0, 1);
        at = m.n;
        put16(&m, 0xC000 | (unsigned)at); /* points at itself */
        put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put32(&m, 0x06060606);
    } else if (strcmp(s, "fwd.test") == 0) {
        reply_start(&m, q, 0, 1);
        at = m.n;
        put16(&m, 0xC000 | (unsigned)(at + 16)); /* forward, into the data */
        put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put32(&m, 0x06060606);
        put8(&m, 1); put8(&m, 'y'); put8(&m, 0);
    } else if (strcmp(s, "past.test") == 0) {
        reply_start(&m, q, 0, 1);
        put16(&m, 0xC000 | 0x3FF0); /* far past the end */
        put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put32(&m, 0x06060606);
    } else if (strcmp(s, "longlabel.test") == 0) {
        reply_start(&m, q, 0, 1);
        put8(&m, 64);
        for (int i = 0; i < 64; i++)
            put8(&m, 'a');
        put8(&m, 0);
        put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put32(&m, 0x06060606);
    } else if (strcmp(s, "longname.test") == 0) {
        /* 5 labels of 63 bytes: 320 bytes, over the 255 allowed. */
        reply_start(&m, q, 0, 1);
        for (int l = 0; l < 5; l++) {
            put8(&m, 63);
            for (int i = 0; i < 63; i++)
                put8(&m, 'b');
        }
        put8(&m, 0);
        put16(&m, 1); put16(&m, 1); put32(&m, 1); put16(&m, 4); put32(&m, 0x06060606);
    } else if (strcmp(s, "count.test") == 0) {
        reply_start(&m, q, 0, 5); /* five announced, one present */
        rr_a(&m, 192, 0, 2, 40, 300);
    } else if (strcmp(s, "cut.test") == 0) {
        reply_start(&m, q, 0, 1);
        rr_a(&m, 192, 0, 2, 50, 300);
        m.n -= 2; /* cut in the middle of the address */
    } else if (strcmp(s, "rdlen.test") == 0) {
        reply_start(&m, q, 0, 1);
        rr_head(&m, 1, 300, 5); /* an A record is 4 bytes */
        put32(&m, 0xC0000201); put8(&m, 0);
    } else if (strcmp(s, "empty.test") == 0) {
        m.n = 0;
    } else if (strcmp(s, "double.test") == 0) {
        /* For resolve (getaddrinfo asks A and AAAA). */
        reply_start(&m, q, 0, a || aaaa);
        if (a || aaaa)
            rr_addr(&m, aaaa ? z.dbl6 : z.dbl4, aaaa, 300);
    } else if ((strcmp(s, z.rev4) == 0 || strcmp(s, z.rev6) == 0) && q->qtype == 12) {
        /* For resolve -r (getnameinfo asks a PTR). */
        reply_start(&m, q, 0, 1);
        rr_head(&m, 12, 300, (unsigned)strlen(z.host) + 2);
        putname(&m, z.host);
    } else if (strcmp(s, "sandbox") == 0) {
        /* For resolve -l: the host name is an alias of its canonical name,
         * which has an IPv6 address only: a lookup limited to IPv4
         * (AF_INET) finds no address, hence no canonical name. */
        static const unsigned char lo6[16] = {[15] = 1};
        size_t len = strlen(z.canon) + 2;
        reply_start(&m, q, 0, aaaa ? 2 : 1);
        rr_head(&m, 5, 300, (unsigned)len);
        at = m.n;
        putname(&m, z.canon);
        if (aaaa) {
            put16(&m, 0xC000 | (unsigned)at);
            put16(&m, 28); put16(&m, 1); put32(&m, 300); put16(&m, 16);
            putbytes(&m, lo6, sizeof lo6);
        }
    } else {
        reply_start(&m, q, 3, 0); /* NXDOMAIN for every other name */
    }
    send_msg(fd, &m, to, tolen);
}

static int udp_bind(const char *host, const char *port)
{
    struct addrinfo hints, *res;
    int fd = -1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd >= 0 && bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int main(int argc, char **argv)
{
    static unsigned char buf[65536];
    const char *host = "127.0.0.1", *port = "0";
    long seed = 1;
    int seeded = 0;
    struct sockaddr_storage peer;
    socklen_t len;
    char addr[ADDR_STR_LEN];
    struct query q;
    ssize_t n;
    int opt, fd, other;

    fake_args(&argc, &argv);

    while ((opt = getopt(argc, argv, "b:p:s:")) != -1) {
        if (opt == 'b')
            host = optarg;
        else if (opt == 's' && parse_long(optarg, 0, 2147483647L, &seed) == 0)
            seeded = 1;
        else if (opt == 'p' && parse_port(optarg, 1) >= 0)
            port = optarg;
        else
            goto usage;
    }
    if (optind != argc)
        goto usage;
    /* The tests give the seed in the environment, which other users cannot
     * read in /proc (a command line, they can). */
    if (!seeded && getenv("FAKE_SEED") != NULL) {
        if (parse_long(getenv("FAKE_SEED"), 0, 2147483647L, &seed) < 0)
            goto usage;
        seeded = 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (stop_setup() < 0)
        return 1;
    fd = udp_bind(host, port);
    other = udp_bind(host, "0");
    if (fd < 0 || other < 0) {
        fprintf(stderr, "fakedns: bind %s:%s : %s\n", host, port,
                net_strerror(errno));
        return 1;
    }
    make_zone((uint64_t)seed);
    if (seeded) /* what the tests read; the fakes' self-test wants the ready line first */
        print_zone();
    printf("Serveur en écoute sur %s\n", sock_local_str(fd, addr, sizeof addr));
    while (wait_fd(fd, POLLIN, -1) > 0) {
        len = sizeof peer;
        n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
        if (n < 0)
            continue;
        if (parse_query(buf, (size_t)n, &q) < 0) {
            printf("requête invalide (%zd octets)\n", n);
            continue;
        }
        /* What the tests check in the query itself. */
        printf("requête id=%04x flags=%02x%02x qd=%u an=%u ns=%u ar=%u "
               "nom=%s type=%u classe=%u longueur=%zd\n",
               (unsigned)q.id, (unsigned)buf[2], (unsigned)buf[3],
               (unsigned)(buf[4] << 8 | buf[5]), (unsigned)(buf[6] << 8 | buf[7]),
               (unsigned)(buf[8] << 8 | buf[9]), (unsigned)(buf[10] << 8 | buf[11]),
               q.name, (unsigned)q.qtype,
               (unsigned)(q.q[q.qlen - 2] << 8 | q.q[q.qlen - 1]), n);
        answer(fd, other, &q, (struct sockaddr *)&peer, len);
    }
    close(other);
    close(fd);
    return 0;
usage:
    fprintf(stderr, "usage: fakedns [-b ADDR] [-p PORT] [-s GRAINE]  (ou FAKE_SEED=GRAINE)\n"
                    "  répond selon le nom demandé : multi.test v6.test alias.test "
                    "plain.test nx.test fail.test tc.test decoy.test silent.test "
                    "loop.test self.test fwd.test past.test longlabel.test "
                    "longname.test count.test cut.test rdlen.test empty.test, pour resolve "
                    "double.test, ses PTR et sandbox (CNAME) ; adresses et TTL tirés de "
                    "la GRAINE, annoncés avant la ligne prête\n");
    return 2;
}
