/* fakedns — faux serveur DNS (UDP) : une réponse, honnête ou hostile, par nom demandé. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

static void rr_aaaa(struct msg *m, unsigned last, uint32_t ttl)
{
    static const unsigned char prefix[14] = {0x20, 0x01, 0x0d, 0xb8};
    rr_head(m, 28, ttl, 16);
    putbytes(m, prefix, sizeof prefix);
    put16(m, last);
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
            rr_a(&m, 192, 0, 2, 1, 300);
            rr_a(&m, 192, 0, 2, 2, 300);
            rr_a(&m, 192, 0, 2, 3, 300);
        }
    } else if (strcmp(s, "v6.test") == 0) {
        reply_start(&m, q, 0, aaaa ? 2 : 0);
        if (aaaa) {
            rr_aaaa(&m, 1, 600);
            rr_aaaa(&m, 2, 600);
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
            put16(&m, 1); put16(&m, 1); put32(&m, 120); put16(&m, 4);
            put8(&m, 192); put8(&m, 0); put8(&m, 2); put8(&m, 10);
        }
    } else if (strcmp(s, "plain.test") == 0) {
        /* Owner names in full: the course's "pos += 12" misreads them. */
        reply_start(&m, q, 0, a ? 2 : 0);
        if (a) {
            for (int i = 20; i <= 21; i++) {
                putname(&m, "plain.test");
                put16(&m, 1); put16(&m, 1); put32(&m, 30); put16(&m, 4);
                put8(&m, 192); put8(&m, 0); put8(&m, 2); put8(&m, (unsigned)i);
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
            rr_a(&m, 192, 0, 2, 30, 300);
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
    struct sockaddr_storage peer;
    socklen_t len;
    char addr[ADDR_STR_LEN];
    struct query q;
    ssize_t n;
    int opt, fd, other;

    while ((opt = getopt(argc, argv, "b:p:")) != -1) {
        if (opt == 'b')
            host = optarg;
        else if (opt == 'p' && parse_port(optarg, 1) >= 0)
            port = optarg;
        else
            goto usage;
    }
    if (optind != argc)
        goto usage;
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
    fprintf(stderr, "usage: fakedns [-b ADDR] [-p PORT]\n"
                    "  répond selon le nom demandé : multi.test v6.test alias.test "
                    "plain.test nx.test fail.test tc.test decoy.test silent.test "
                    "loop.test self.test fwd.test past.test longlabel.test "
                    "longname.test count.test cut.test rdlen.test empty.test\n");
    return 2;
}
