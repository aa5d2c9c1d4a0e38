/* dns_parse_fuzz.c — cible libFuzzer de l'analyseur DNS du lab 05 (make fuzz).
 *
 * Built with clang -fsanitize=fuzzer,address,undefined: any read outside
 * the message, overflow or undefined behaviour stops the run with the
 * input that caused it. Besides memory safety, checks what the parser
 * promises: NUL-terminated names that fit their buffers, counts in range. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct dns_reply r;
    static unsigned char out[DNS_HEADER_LEN + DNS_MAX_WIRE_NAME + 4];
    char name[512];
    size_t i, len;

    if (dns_parse_reply(data, size, &r) == DNS_OK) {
        if (r.nrecords > DNS_MAX_RECORDS || r.nrecords + r.omitted != r.ancount ||
            memchr(r.qname, '\0', sizeof r.qname) == NULL)
            abort();
        for (i = 0; i < r.nrecords; i++)
            if (memchr(r.an[i].name, '\0', sizeof r.an[i].name) == NULL ||
                memchr(r.an[i].data, '\0', sizeof r.an[i].data) == NULL)
                abort();
    }
    dns_reply_matches(&r, 0x1234, "a.test", DNS_TYPE_A);
    /* The same bytes as a name to encode. */
    len = size < sizeof name - 1 ? size : sizeof name - 1;
    memcpy(name, data, len);
    name[len] = '\0';
    if (dns_build_query(1, name, DNS_TYPE_A, out, sizeof out, &len) == DNS_OK &&
        (len > sizeof out || len < DNS_HEADER_LEN + 6))
        abort();
    return 0;
}
