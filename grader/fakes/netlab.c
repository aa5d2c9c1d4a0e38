/* netlab — prépare des interfaces réseau dans l'espace de noms du lab (lab 07).
 *
 * netlab veth NOM PAIR              paire veth NOM <-> PAIR, sans adresse
 *                                   IPv6 automatique (addrgenmode none)
 * netlab addr DEV ADRESSE/LONGUEUR  ajoute une adresse IPv4 ou IPv6 (sans DAD)
 * netlab up DEV [noarp]             lève DEV (avec NOARP)
 * netlab wait DEV                   attend que DEV soit RUNNING (5 s au plus)
 * netlab route add PASSERELLE       route IPv4 par défaut via PASSERELLE
 * netlab route del                  la retire (absente : rien)
 *
 * Netlink directly (rtnetlink, man 7 rtnetlink), so that the grader needs no
 * iproute2. It only ever runs in the lab's own network namespace (made by
 * bwrap --unshare-net): it refuses to touch a namespace holding an interface
 * other than lo or its own (names beginning with NETLAB_PREFIX), which the
 * machine's namespace always does. Exit 0, 1 on failure (French message). */
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NETLAB_PREFIX "l7"
#define BUF 4096

struct req {
    struct nlmsghdr h;
    char data[BUF];
};

static void die(const char *what)
{
    fprintf(stderr, "netlab: %s : %s\n", what, strerror(errno));
    exit(1);
}

static struct rtattr *add_attr(struct req *r, unsigned short type,
                               const void *data, size_t len)
{
    struct rtattr *a = (struct rtattr *)((char *)&r->h + NLMSG_ALIGN(r->h.nlmsg_len));

    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(a), data, len);
    r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
    return a;
}

static void end_nest(struct req *r, struct rtattr *nest)
{
    nest->rta_len = (unsigned short)((char *)&r->h + r->h.nlmsg_len - (char *)nest);
}

/* Sends the request and reads the kernel's acknowledgement: 0, or -1 with
 * errno from it. */
static int talk(struct req *r)
{
    struct sockaddr_nl sa;
    char buf[BUF];
    struct nlmsghdr *h;
    ssize_t n;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), err;

    if (fd < 0)
        die("socket netlink");
    memset(&sa, 0, sizeof sa);
    sa.nl_family = AF_NETLINK;
    r->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    r->h.nlmsg_seq = 1;
    if (sendto(fd, r, r->h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("envoi netlink");
    for (;;) {
        n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("réception netlink");
        for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_ERROR) {
                err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
                close(fd);
                errno = -err;
                return err == 0 ? 0 : -1;
            }
        }
    }
}

static void init_req(struct req *r, unsigned short type, unsigned short flags,
                     size_t body)
{
    memset(r, 0, sizeof *r);
    r->h.nlmsg_type = type;
    r->h.nlmsg_flags = flags;
    r->h.nlmsg_len = (unsigned)NLMSG_LENGTH(body);
}

static int ifindex(const char *name)
{
    unsigned i = if_nametoindex(name);

    if (i == 0) {
        fprintf(stderr, "netlab: %s : interface inconnue\n", name);
        exit(1);
    }
    return (int)i;
}

/* Only lo and our own interfaces: this is the lab's namespace. */
static void check_namespace(void)
{
    struct if_nameindex *all = if_nameindex(), *p;

    if (all == NULL)
        die("if_nameindex");
    for (p = all; p->if_index != 0; p++) {
        if (strcmp(p->if_name, "lo") != 0 &&
            strncmp(p->if_name, NETLAB_PREFIX, strlen(NETLAB_PREFIX)) != 0) {
            fprintf(stderr, "netlab: refusé : l'interface %s existe, ce n'est pas"
                            " l'espace de noms réseau d'un lab\n", p->if_name);
            exit(1);
        }
    }
    if_freenameindex(all);
}

static void gen_mode_none(const char *name)
{
    struct req r;
    struct ifinfomsg *ifi;
    struct rtattr *spec, *inet6;
    unsigned char mode = IN6_ADDR_GEN_MODE_NONE;

    init_req(&r, RTM_NEWLINK, 0, sizeof *ifi);
    ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex(name);
    spec = add_attr(&r, IFLA_AF_SPEC, NULL, 0);
    inet6 = add_attr(&r, AF_INET6, NULL, 0);
    add_attr(&r, IFLA_INET6_ADDR_GEN_MODE, &mode, 1);
    end_nest(&r, inet6);
    end_nest(&r, spec);
    if (talk(&r) < 0)
        die("addrgenmode none");
}

static void cmd_veth(const char *name, const char *peer)
{
    struct req r;
    struct ifinfomsg *ifi, *pifi;
    struct rtattr *info, *data, *pa;

    init_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
    ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    add_attr(&r, IFLA_IFNAME, name, strlen(name) + 1);
    info = add_attr(&r, IFLA_LINKINFO, NULL, 0);
    add_attr(&r, IFLA_INFO_KIND, "veth", 4);
    data = add_attr(&r, IFLA_INFO_DATA, NULL, 0);
    pa = add_attr(&r, VETH_INFO_PEER, NULL, 0);
    /* The peer's own ifinfomsg, then its attributes. */
    pifi = (struct ifinfomsg *)RTA_DATA(pa);
    memset(pifi, 0, sizeof *pifi);
    r.h.nlmsg_len += NLMSG_ALIGN(sizeof *pifi);
    add_attr(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
    end_nest(&r, pa);
    end_nest(&r, data);
    end_nest(&r, info);
    if (talk(&r) < 0)
        die("création de la paire veth");
    gen_mode_none(name);
    gen_mode_none(peer);
}

static void cmd_addr(const char *dev, const char *cidr)
{
    struct req r;
    struct ifaddrmsg *ifa;
    unsigned char bin[16];
    char text[64];
    char *slash;
    long plen;
    int v6;
    unsigned flags = IFA_F_NODAD;

    snprintf(text, sizeof text, "%s", cidr);
    slash = strchr(text, '/');
    if (slash == NULL) {
        fprintf(stderr, "netlab: %s : ADRESSE/LONGUEUR attendu\n", cidr);
        exit(1);
    }
    *slash = '\0';
    plen = strtol(slash + 1, NULL, 10);
    v6 = strchr(text, ':') != NULL;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, text, bin) != 1 || plen < 0 ||
        plen > (v6 ? 128 : 32)) {
        fprintf(stderr, "netlab: %s : adresse invalide\n", cidr);
        exit(1);
    }
    init_req(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
    ifa = NLMSG_DATA(&r.h);
    ifa->ifa_family = v6 ? AF_INET6 : AF_INET;
    ifa->ifa_prefixlen = (unsigned char)plen;
    ifa->ifa_flags = (unsigned char)flags;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = (unsigned)ifindex(dev);
    add_attr(&r, IFA_LOCAL, bin, v6 ? 16 : 4);
    add_attr(&r, IFA_ADDRESS, bin, v6 ? 16 : 4);
    add_attr(&r, IFA_FLAGS, &flags, sizeof flags);
    if (talk(&r) < 0)
        die("ajout de l'adresse");
}

static void cmd_up(const char *dev, int noarp)
{
    struct req r;
    struct ifinfomsg *ifi;

    init_req(&r, RTM_NEWLINK, 0, sizeof *ifi);
    ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex(dev);
    ifi->ifi_flags = IFF_UP | (noarp ? IFF_NOARP : 0);
    ifi->ifi_change = IFF_UP | IFF_NOARP;
    if (talk(&r) < 0)
        die("activation de l'interface");
}

static void cmd_wait(const char *dev)
{
    struct ifreq ifr;
    struct timespec ts = { 0, 20 * 1000000L };
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), i;

    if (fd < 0)
        die("socket");
    for (i = 0; i < 250; i++) {
        memset(&ifr, 0, sizeof ifr);
        snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", dev);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
            die("SIOCGIFFLAGS");
        if (ifr.ifr_flags & IFF_RUNNING) {
            close(fd);
            return;
        }
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "netlab: %s : pas RUNNING après 5 s\n", dev);
    exit(1);
}

static void cmd_route(int add, const char *gw)
{
    struct req r;
    struct rtmsg *rt;
    struct in_addr a;

    init_req(&r, add ? RTM_NEWROUTE : RTM_DELROUTE,
             add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof *rt);
    rt = NLMSG_DATA(&r.h);
    rt->rtm_family = AF_INET;
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = RTPROT_BOOT;
    rt->rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
    rt->rtm_type = RTN_UNICAST;
    if (add) {
        if (inet_pton(AF_INET, gw, &a) != 1) {
            fprintf(stderr, "netlab: %s : passerelle invalide\n", gw);
            exit(1);
        }
        add_attr(&r, RTA_GATEWAY, &a, 4);
    }
    if (talk(&r) < 0 && !(!add && (errno == ESRCH || errno == ENOENT)))
        die(add ? "ajout de la route par défaut" : "retrait de la route par défaut");
}

int main(int argc, char **argv)
{
    int i;

    for (i = 2; i < argc; i++)
        if (strlen(argv[i]) >= 60) {
            fprintf(stderr, "netlab: argument trop long\n");
            return 1;
        }
    if (argc >= 2)
        check_namespace();
    if (argc == 4 && strcmp(argv[1], "veth") == 0) {
        if (strncmp(argv[2], NETLAB_PREFIX, 2) != 0 ||
            strncmp(argv[3], NETLAB_PREFIX, 2) != 0 || strlen(argv[2]) >= IFNAMSIZ ||
            strlen(argv[3]) >= IFNAMSIZ) {
            fprintf(stderr, "netlab: noms d'interfaces : " NETLAB_PREFIX "…, 15 caractères au plus\n");
            return 1;
        }
        cmd_veth(argv[2], argv[3]);
    } else if (argc == 4 && strcmp(argv[1], "addr") == 0) {
        cmd_addr(argv[2], argv[3]);
    } else if ((argc == 3 || argc == 4) && strcmp(argv[1], "up") == 0) {
        cmd_up(argv[2], argc == 4 && strcmp(argv[3], "noarp") == 0);
    } else if (argc == 3 && strcmp(argv[1], "wait") == 0) {
        cmd_wait(argv[2]);
    } else if (argc == 4 && strcmp(argv[1], "route") == 0 && strcmp(argv[2], "add") == 0) {
        cmd_route(1, argv[3]);
    } else if (argc == 3 && strcmp(argv[1], "route") == 0 && strcmp(argv[2], "del") == 0) {
        cmd_route(0, NULL);
    } else {
        fprintf(stderr, "usage : netlab veth NOM PAIR | addr DEV ADRESSE/LONGUEUR | up DEV [noarp]"
                        " | wait DEV | route add PASSERELLE | route del\n");
        return 2;
    }
    return 0;
}
