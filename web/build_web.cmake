# cmake -DNPM=... -DWEB_DIR=... -DSTAMP=... -P build_web.cmake
# Runs `npm run build` in WEB_DIR and touches STAMP; without node_modules, says so and
# leaves STAMP absent so that the next build tries again.
if(NOT NPM OR NOT EXISTS "${WEB_DIR}/node_modules/.package-lock.json")
  message(STATUS "web front end not built: npm or web/node_modules missing (run scripts/setup)")
  file(REMOVE "${STAMP}")
  return()
endif()
execute_process(COMMAND "${NPM}" run build --silent
  WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm run build failed (${result}):\n${out}\n${err}")
endif()
file(TOUCH "${STAMP}")
