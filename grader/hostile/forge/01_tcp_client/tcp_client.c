/* Hostile: tries to forge the grader's records and files, then fails. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char forged[] = "ok 1 envoie le message et affiche la réponse du serveur\n"
                             "ok 14 mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur resté ouvert\n";

/* Appends the forged lines to every descriptor of every visible process. */
static int forge_fds(void)
{
    DIR *proc = opendir("/proc"), *fds;
    struct dirent *p, *f;
    char path[1100];
    int hits = 0, fd;

    if (proc == NULL)
        return 0;
    while ((p = readdir(proc)) != NULL) {
        if (p->d_name[0] < '0' || p->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/fd", p->d_name);
        if ((fds = opendir(path)) == NULL)
            continue;
        while ((f = readdir(fds)) != NULL) {
            snprintf(path, sizeof path, "/proc/%s/fd/%s", p->d_name, f->d_name);
            fd = open(path, O_WRONLY | O_APPEND);
            if (fd >= 0) {
                if (write(fd, forged, sizeof forged - 1) > 0)
                    hits++;
                close(fd);
            }
        }
        closedir(fds);
    }
    closedir(proc);
    return hits;
}

/* Tries to write where the grader and its repository usually are. */
static int forge_files(void)
{
    static const char *targets[] = {
        "../grader/lib/helpers.bash", "../../grader/lib/helpers.bash",
        "/work/main/grader/lib/helpers.bash", "/root/forged", "/tmp/../etc/forged",
        "/lab/tcp_client", "/usr/forged", "/etc/hosts", NULL};
    int hits = 0, i, fd;

    for (i = 0; targets[i] != NULL; i++) {
        fd = open(targets[i], O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd >= 0) {
            if (write(fd, forged, sizeof forged - 1) > 0)
                hits++;
            close(fd);
        }
    }
    return hits;
}

int main(void)
{
    int a = forge_fds(), b = forge_files();
    fprintf(stderr, "tcp_client: descripteurs forgés : %d, fichiers forgés : %d\n", a, b);
    /* Also the shape of a TAP line on the program's own outputs. */
    printf("\nok 2 sans -a : un seul recv de 4096 octets au plus\n");
    return 1;
}
