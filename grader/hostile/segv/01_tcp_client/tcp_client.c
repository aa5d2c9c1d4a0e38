/* Hostile: a segmentation fault. */
#include <stdio.h>

int main(int argc, char **argv)
{
    volatile char *p = NULL;
    (void)argv;
    p[argc] = 1;
    puts("jamais");
    return 0;
}
