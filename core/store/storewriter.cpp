#include "store/storewriter.h"
