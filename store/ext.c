/*
 * store/ext.c - faultline's SQL functions as a loadable SQLite extension,
 * for the stock CLI:  sqlite3 t.db '.load ./faultline_ext' 'SELECT fl_text(data) ...'
 * The functions are the same source as faultline's own (store/sqlfn.c),
 * compiled here against the extension API.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
#include "sqlfn.c"

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_faultlineext_init(sqlite3 *db, char **err, const sqlite3_api_routines *api)
{
	SQLITE_EXTENSION_INIT2(api);
	(void)err;
	return store_register_functions(db) ? SQLITE_ERROR : SQLITE_OK;
}
