#ifndef SYNDICATE_CLIBXML2_SHIM_H
#define SYNDICATE_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* libxml2's headers would include the system's ICU, which clashes with the copy Foundation
   bundles. Only xmlCharEncodingHandler's layout depends on this switch, and syndicate reaches
   that struct through pointers only. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/entities.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#endif
