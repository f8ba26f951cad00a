/* This file is part of RIC Express.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms. */
/* Branding of the Tryton web client (sao) for RIC Express: sao loads
   custom.js after its own code, and custom.css after its style sheet. */
(function() {
    'use strict';
    var TITLE = 'RIC Express';
    Sao.config.title = TITLE;
    // the page is named before sao sets a title (login screen)
    document.title = TITLE;
    jQuery(function() {
        document.title = TITLE;
        jQuery('#title').text(TITLE);
    });
}());
