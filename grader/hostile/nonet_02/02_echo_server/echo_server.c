/* Hostile: an echo_server with no socket code at all. It validates its
 * options, guesses the listening errors the visible tests expect (a busy
 * port, read in /proc/net/tcp; an address that is not the machine's; an
 * unknown name), and otherwise borrows a port that listens, if any, to
 * announce it (then waits for SIGTERM), or fails at once.
 * It must score no more than the usage-error tests. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int usage(int code)
{
    fprintf(code ? stderr : stdout,
            "usage: echo_server [-b ADRESSE] [-p PORT] [-t SECONDES]\n");
    return code;
}

/* A listening port in the lab's network namespace: PORT itself if it
 * listens (>0), else any (first found), else 0. */
static long listening(long port, int any)
{
    static const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512], local[128];
    unsigned st;
    long p, found = 0;
    size_t i;

    for (i = 0; i < 2; i++) {
        FILE *f = fopen(files[i], "r");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon;
            if (sscanf(line, " %*s %127s %*s %x", local, &st) != 2 || st != 0x0A)
                continue;
            colon = strrchr(local, ':');
            if (colon == NULL)
                continue;
            p = strtol(colon + 1, NULL, 16);
            if (p == port || (any && found == 0))
                found = p;
        }
        fclose(f);
    }
    return found;
}

int main(int argc, char **argv)
{
    const char *bind = "127.0.0.1";
    long port = 9999, p;
    double t;
    char *end;
    int c;
    struct sigaction sa;

    while ((c = getopt(argc, argv, ":b:p:t:h")) != -1) {
        switch (c) {
        case 'b':
            bind = optarg;
            break;
        case 'p':
            errno = 0;
            port = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || errno || port < 0 || port > 65535) {
                fprintf(stderr, "echo_server: port invalide : « %s »\n", optarg);
                return 2;
            }
            break;
        case 't':
            t = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || !(t > 0) || t > 86400) {
                fprintf(stderr, "echo_server: délai invalide : « %s »\n", optarg);
                return 2;
            }
            break;
        case 'h':
            return usage(0);
        default:
            return usage(2);
        }
    }
    if (optind != argc)
        return usage(2);
    if (strstr(bind, "..") != NULL) {
        fprintf(stderr, "echo_server: %s : nom ou service inconnu\n", bind);
        return 1;
    }
    if (strncmp(bind, "127.", 4) != 0 && strcmp(bind, "::1") != 0 &&
        strcmp(bind, "localhost") != 0) {
        fprintf(stderr, "echo_server: impossible d'écouter sur %s:%ld : "
                        "adresse non disponible sur cette machine\n", bind, port);
        return 1;
    }
    if (port != 0 && listening(port, 0) == port) {
        fprintf(stderr, "echo_server: impossible d'écouter sur %s:%ld : "
                        "adresse déjà utilisée\n", bind, port);
        return 1;
    }
    /* Announcing a port nobody listens on costs 5 s a test (and the lab
     * its budget): only borrow one that listens, else fail at once. */
    p = port != 0 ? port : listening(0, 1);
    if (p == 0) {
        fprintf(stderr, "echo_server: impossible d'écouter sur %s:%ld : "
                        "adresse déjà utilisée\n", bind, port);
        return 1;
    }
    printf(strchr(bind, ':') ? "Serveur en écoute sur [%s]:%ld\n" : "Serveur en écoute sur %s:%ld\n",
           bind, p);
    fflush(stdout);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    while (!stop)
        pause();
    return 0;
}
