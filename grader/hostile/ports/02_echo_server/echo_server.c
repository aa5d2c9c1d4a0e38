/* Hostile: binds as many ports as it can (hundreds), then serves nothing. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>
#include "net.h"

int main(void)
{
    int n = 0, i;
    for (i = 0; i < 2000; i++)
        if (tcp_listen("127.0.0.1", "0", 1, NULL) >= 0)
            n++;
    fprintf(stderr, "echo_server: %d ports pris\n", n);
    return 1;
}
