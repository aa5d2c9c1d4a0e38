/* Hostile: shows its environment, working folder and what it can see of
 * the grader (expected outputs, bats' folders, the repository). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

extern char **environ;

static void list(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    fprintf(stderr, "[%s]", dir);
    if (d == NULL) {
        fprintf(stderr, " inaccessible\n");
        return;
    }
    while ((e = readdir(d)) != NULL)
        fprintf(stderr, " %s", e->d_name);
    fprintf(stderr, "\n");
    closedir(d);
}

int main(void)
{
    char cwd[512];
    char **e;
    for (e = environ; *e != NULL; e++)
        fprintf(stderr, "ENV %s\n", *e);
    if (getcwd(cwd, sizeof cwd) != NULL)
        fprintf(stderr, "CWD %s\n", cwd);
    list("/");
    list("/tmp");
    list("..");
    list("/work/main");
    list("/root");
    list("/proc/1/cwd");
    return 1;
}
