import DocketCore
import GRDB
