/* Hostile: looks everywhere a sandboxed program can read for the grader's
 * secrets — its environment and paths, the seed of the test data — and
 * says what it found, in one short line (the report shows little). Reads:
 * its own environment, every visible process's environment and command
 * line (/proc/N/environ, cmdline: pid 1 is bwrap), its mounts (mountinfo
 * names each bind's source), its working folder, and a few folders. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *markers[] = {"SEED", "PROG_DIR", "GRADER_", "BATS_", "FAKE_DIR", "TREE=",
                                "/grade.", "selftest", "solutions", "bats-run", NULL};
static int found;

/* Searches n bytes (NULs included) for every marker. */
static void search(const char *where, const char *buf, size_t n)
{
    size_t i, len;
    int m;

    for (m = 0; markers[m] != NULL; m++) {
        len = strlen(markers[m]);
        for (i = 0; i + len <= n; i++) {
            if (memcmp(buf + i, markers[m], len) == 0) {
                fprintf(stderr, "espion : %s dans %s\n", markers[m], where);
                found++;
                break;
            }
        }
    }
}

static void search_file(const char *path)
{
    static char buf[1 << 16];
    ssize_t n;
    size_t got = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0)
        return;
    while (got < sizeof buf && (n = read(fd, buf + got, sizeof buf - got)) > 0)
        got += (size_t)n;
    close(fd);
    search(path, buf, got);
}

static void search_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL)
        search(dir, e->d_name, strlen(e->d_name));
    closedir(d);
}

int main(void)
{
    extern char **environ;
    char path[300], cwd[512];
    DIR *proc;
    struct dirent *p;
    char **e;

    for (e = environ; *e != NULL; e++)
        search("l'environnement", *e, strlen(*e));
    if (getcwd(cwd, sizeof cwd) != NULL)
        search("le dossier courant", cwd, strlen(cwd));
    if ((proc = opendir("/proc")) != NULL) {
        while ((p = readdir(proc)) != NULL) {
            if (p->d_name[0] < '0' || p->d_name[0] > '9')
                continue;
            snprintf(path, sizeof path, "/proc/%s/environ", p->d_name);
            search_file(path);
            snprintf(path, sizeof path, "/proc/%s/cmdline", p->d_name);
            search_file(path);
        }
        closedir(proc);
    }
    search_file("/proc/self/mountinfo");
    search_file("/proc/self/mounts");
    search_dir("/");
    search_dir("/tmp");
    search_dir("/work");
    search_dir("..");
    search_dir("/proc/1/cwd");
    fprintf(stderr, "espion : %d secret(s) trouvé(s)\n", found);
    return 1;
}
