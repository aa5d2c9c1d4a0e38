/* dns_parse.c — requête DNS et analyse de la réponse, chaque octet lu sous contrôle. */
#define _POSIX_C_SOURCE 200809L

#include "dns_parse.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A read-only cursor over the message: every read checks that the bytes
 * are there, so no hostile length can send a read past the end. */
struct cursor {
    const unsigned char *msg;
    size_t len;
    size_t pos;
};

const char *dns_strerror(enum dns_status st)
{
    switch (st) {
    case DNS_OK: return "pas d'erreur";
    case DNS_ERR_TRUNCATED: return "message coupé au milieu d'un champ";
    case DNS_ERR_COUNT: return "moins d'enregistrements que l'en-tête n'en annonce";
    case DNS_ERR_LABEL: return "étiquette de plus de 63 octets";
    case DNS_ERR_NAME_LONG: return "nom de plus de 255 octets";
    case DNS_ERR_POINTER: return "pointeur de compression invalide (vers l'avant, sur lui-même ou hors du message)";
    case DNS_ERR_HOPS: return "trop de pointeurs de compression";
    case DNS_ERR_RDATA: return "données d'enregistrement de taille invalide";
    case DNS_ERR_EMPTY_LABEL: return "étiquette vide";
    }
    return "erreur inconnue";
}

static int get16(struct cursor *c, uint16_t *v)
{
    if (c->len - c->pos < 2)
        return -1;
    *v = (uint16_t)(c->msg[c->pos] << 8 | c->msg[c->pos + 1]);
    c->pos += 2;
    return 0;
}

static int get32(struct cursor *c, uint32_t *v)
{
    const unsigned char *p = c->msg + c->pos;

    if (c->len - c->pos < 4)
        return -1;
    *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    c->pos += 4;
    return 0;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

enum dns_status dns_encode_name(const char *name, unsigned char *out,
                                size_t outsize, size_t *len)
{
    /* BEGIN SOLUTION
     * TODO(lab 05): découper name aux points ; pour chaque étiquette, écrire
     * sa longueur (1 octet) puis ses octets ; finir par un octet 0. Refuser
     * une étiquette vide (DNS_ERR_EMPTY_LABEL, sauf le point final), de plus
     * de 63 octets (DNS_ERR_LABEL), un nom de plus de 253 caractères ou qui
     * ne tient pas dans out (DNS_ERR_NAME_LONG). Le code du cours
     * (bytes([len(part)]) + part) ne vérifie rien de tout cela.
     * STUB: (void)name; (void)out; (void)outsize; (void)len;
     * STUB: return DNS_ERR_EMPTY_LABEL;
     */
    size_t n = strlen(name), i = 0, w = 0, label;

    if (n > 0 && name[n - 1] == '.')
        n--; /* "example.com." is the same name */
    if (n == 0 || name[n - 1] == '.')
        return DNS_ERR_EMPTY_LABEL; /* "", "." or "a..": an empty label */
    if (n > DNS_MAX_TEXT_NAME || n + 2 > outsize)
        return DNS_ERR_NAME_LONG;
    while (i < n) {
        for (label = 0; i + label < n && name[i + label] != '.'; label++)
            ;
        if (label == 0)
            return DNS_ERR_EMPTY_LABEL;
        if (label > DNS_MAX_LABEL)
            return DNS_ERR_LABEL;
        out[w++] = (unsigned char)label;
        memcpy(out + w, name + i, label);
        w += label;
        i += label + 1; /* past the dot */
    }
    out[w++] = 0;
    *len = w;
    return DNS_OK;
    /* END SOLUTION */
}

enum dns_status dns_build_query(uint16_t id, const char *name, uint16_t qtype,
                                unsigned char *out, size_t outsize,
                                size_t *len)
{
    size_t qlen;
    enum dns_status st;

    if (outsize < DNS_HEADER_LEN + 4)
        return DNS_ERR_NAME_LONG;
    memset(out, 0, DNS_HEADER_LEN);
    put16(out, id);
    out[2] = 0x01; /* RD: the server resolves recursively for us */
    put16(out + 4, 1); /* QDCOUNT */
    st = dns_encode_name(name, out + DNS_HEADER_LEN,
                         outsize - DNS_HEADER_LEN - 4, &qlen);
    if (st != DNS_OK)
        return st;
    put16(out + DNS_HEADER_LEN + qlen, qtype);
    put16(out + DNS_HEADER_LEN + qlen + 2, DNS_CLASS_IN);
    *len = DNS_HEADER_LEN + qlen + 4;
    return DNS_OK;
}

/* Appends label bytes to text (escaped as \DDD where not a plain name
 * character, so that a hostile name cannot drive the terminal). */
static void append_label(char *text, size_t *t, const unsigned char *p,
                         size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char ch = p[i];
        if (ch > 0x20 && ch < 0x7f && ch != '.' && ch != '\\')
            text[(*t)++] = (char)ch;
        else
            *t += (size_t)sprintf(text + *t, "\\%03u", ch);
    }
}

/* Reads the name at the cursor into text (DNS_NAME_BUF bytes; "." for the
 * root) and leaves the cursor after it: after the first pointer when the
 * name is compressed. A pointer must point strictly before the start of
 * the label sequence it ends, so each jump goes further back and no loop
 * is possible; DNS_MAX_HOPS caps the jumps anyway. */
static enum dns_status read_name(struct cursor *c, char *text)
{
    /* BEGIN SOLUTION
     * TODO(lab 05): lire les étiquettes depuis c->pos en vérifiant chaque
     * octet (fin du message : DNS_ERR_TRUNCATED) : 0 = fin ; 1 à 63 = une
     * étiquette (append_label, un point entre deux) ; 0xC0 et plus = un
     * pointeur de compression sur 14 bits, à suivre seulement s'il pointe
     * strictement avant le début de la suite d'étiquettes courante
     * (DNS_ERR_POINTER), au plus DNS_MAX_HOPS fois (DNS_ERR_HOPS) ; autre
     * valeur (64 à 191) : DNS_ERR_LABEL. Plus de 255 octets au total :
     * DNS_ERR_NAME_LONG. Le curseur reprend après le premier pointeur.
     * STUB: (void)c; (void)append_label;
     * STUB: strcpy(text, ".");
     * STUB: return DNS_ERR_TRUNCATED;
     */
    size_t p = c->pos, start, wire = 0, t = 0;
    int hops = 0, jumped = 0;

    start = p; /* where the current label sequence begins */
    for (;;) {
        unsigned char len;
        if (p >= c->len)
            return DNS_ERR_TRUNCATED;
        len = c->msg[p];
        if ((len & 0xC0) == 0xC0) {
            size_t target;
            if (p + 1 >= c->len)
                return DNS_ERR_TRUNCATED;
            target = (size_t)(len & 0x3F) << 8 | c->msg[p + 1];
            if (target >= start)
                return DNS_ERR_POINTER;
            if (++hops > DNS_MAX_HOPS)
                return DNS_ERR_HOPS;
            if (!jumped)
                c->pos = p + 2;
            jumped = 1;
            p = start = target;
            continue;
        }
        if (len > DNS_MAX_LABEL)
            return DNS_ERR_LABEL;
        wire += 1u + len;
        if (wire > DNS_MAX_WIRE_NAME)
            return DNS_ERR_NAME_LONG;
        if (len == 0)
            break;
        if (c->len - p - 1 < len)
            return DNS_ERR_TRUNCATED;
        if (t > 0)
            text[t++] = '.';
        append_label(text, &t, c->msg + p + 1, len);
        p += 1u + len;
    }
    if (!jumped)
        c->pos = p + 1;
    if (t == 0)
        text[t++] = '.';
    text[t] = '\0';
    return DNS_OK;
    /* END SOLUTION */
}

/* One resource record at the cursor into rec; the cursor goes past it. */
static enum dns_status read_record(struct cursor *c, struct dns_record *rec)
{
    uint16_t rdlen;
    size_t end;
    enum dns_status st;

    /* BEGIN SOLUTION
     * TODO(lab 05): le nom (read_name), puis TYPE, CLASS (get16), TTL
     * (get32) et RDLENGTH (get16) ; vérifier que RDLENGTH octets restent.
     * A : exactement 4 octets, AAAA : 16 (sinon DNS_ERR_RDATA), mis en texte
     * avec inet_ntop dans rec->data ; CNAME : un nom (read_name) qui doit
     * finir exactement à la fin des données. Autres types : sautés. Le
     * cours avance de 12 octets en supposant un nom compressé sur 2 octets :
     * faux dès que le serveur écrit le nom en entier.
     * STUB: (void)c; (void)rec; (void)rdlen; (void)end; (void)st; (void)get32;
     * STUB: return DNS_ERR_TRUNCATED;
     */
    st = read_name(c, rec->name);
    if (st != DNS_OK)
        return st;
    if (get16(c, &rec->type) < 0 || get16(c, &rec->rclass) < 0 ||
        get32(c, &rec->ttl) < 0 || get16(c, &rdlen) < 0)
        return DNS_ERR_TRUNCATED;
    if (c->len - c->pos < rdlen)
        return DNS_ERR_TRUNCATED;
    end = c->pos + rdlen;
    rec->data[0] = '\0';
    if (rec->type == DNS_TYPE_A || rec->type == DNS_TYPE_AAAA) {
        int af = rec->type == DNS_TYPE_A ? AF_INET : AF_INET6;
        if (rdlen != (rec->type == DNS_TYPE_A ? 4 : 16))
            return DNS_ERR_RDATA;
        inet_ntop(af, c->msg + c->pos, rec->data, sizeof rec->data);
    } else if (rec->type == DNS_TYPE_CNAME) {
        /* The name may point back before the record, never past it. */
        struct cursor sub = {c->msg, end, c->pos};
        st = read_name(&sub, rec->data);
        if (st != DNS_OK)
            return st;
        if (sub.pos != end)
            return DNS_ERR_RDATA;
    }
    c->pos = end;
    return DNS_OK;
    /* END SOLUTION */
}

enum dns_status dns_parse_reply(const unsigned char *msg, size_t len,
                                struct dns_reply *r)
{
    struct cursor c = {msg, len, 0};
    uint16_t flags, nscount, arcount, i;
    struct dns_record spare;
    enum dns_status st;

    memset(r, 0, sizeof *r - sizeof r->an);
    if (get16(&c, &r->id) < 0 || get16(&c, &flags) < 0 ||
        get16(&c, &r->qdcount) < 0 || get16(&c, &r->ancount) < 0 ||
        get16(&c, &nscount) < 0 || get16(&c, &arcount) < 0)
        return DNS_ERR_TRUNCATED;
    r->header_ok = 1;
    r->qr = flags >> 15;
    r->tc = flags >> 9 & 1;
    r->rcode = flags & 0xF;
    /* The question section is parsed like any name: its length is not the
     * query's (another question, or none at all). */
    for (i = 0; i < r->qdcount; i++) {
        st = read_name(&c, i == 0 ? r->qname : spare.name);
        if (st != DNS_OK)
            return st;
        if (get16(&c, i == 0 ? &r->qtype : &spare.type) < 0 ||
            get16(&c, i == 0 ? &r->qclass : &spare.rclass) < 0)
            return DNS_ERR_TRUNCATED;
    }
    for (i = 0; i < r->ancount; i++) {
        struct dns_record *rec =
            r->nrecords < DNS_MAX_RECORDS ? &r->an[r->nrecords] : &spare;
        if (c.pos == c.len)
            return DNS_ERR_COUNT; /* ANCOUNT is a claim, not a fact */
        st = read_record(&c, rec);
        if (st != DNS_OK)
            return st;
        if (rec == &spare)
            r->omitted++;
        else
            r->nrecords++;
    }
    return DNS_OK;
}

int dns_reply_matches(const struct dns_reply *r, uint16_t id,
                      const char *qname, uint16_t qtype)
{
    size_t n = strlen(qname);

    if (!r->header_ok || r->id != id || !r->qr)
        return 0;
    if (r->qdcount != 1 || r->qtype != qtype || r->qclass != DNS_CLASS_IN)
        return 0;
    if (n > 0 && qname[n - 1] == '.')
        n--;
    /* DNS names compare without case (RFC 4343). */
    return strlen(r->qname) == n && strncasecmp(r->qname, qname, n) == 0;
}
