#include "parse/query.h"
