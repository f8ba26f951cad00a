/* This file is part of RIC Express.  The COPYRIGHT file at the top level of
   this repository contains the full copyright notices and license terms. */
/* Branding of the Tryton web client (sao) for RIC Express, and one fix of
   its navigation: sao loads custom.js after its own code, and custom.css
   after its style sheet. */
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

    /* The address of the current tab is kept in the page's address
       (Sao.set_url).  The browser reports each change later, by a
       hashchange event, and sao then opens the address in a new tab when
       no tab shows it.  When the tab changed again in between — a client
       found by search and double-clicked: the first click puts the list
       with its search in the address, the double-click opens the form —
       no tab shows the list any more and sao opened a second tab
       «Контрагент» on it (the list of the search, on its first tab with a
       count: «Потенциальный 0»).  The changes sao made itself are not a
       navigation of the user: they are not opened again.  Going back or
       forward in the browser, or a link typed in, still opens its tab. */
    var own = [];
    var set_url = Sao.set_url;
    Sao.set_url = function() {
        var before = window.location.hash;
        var result = set_url.apply(this, arguments);
        if (window.location.hash !== before) {
            own.push(window.location.hash);
        }
        return result;
    };
    var onhashchange = window.onhashchange;
    window.onhashchange = function() {
        var index = own.indexOf(window.location.hash);
        if (index >= 0) {
            own.splice(0, index + 1);
            return undefined;
        }
        own = [];
        return onhashchange.apply(this, arguments);
    };
}());
